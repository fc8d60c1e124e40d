/* SPDX-License-Identifier: GPL-2.0 */
/*
 * X.509 v3 certificates for the emulator's test PKI: P-384 keys,
 * ecdsa-with-SHA384 signatures (RFC 5280, RFC 5480, RFC 5758), built and
 * signed in the core, and a parser for the fields provisioning checks.
 */
#ifndef NSM_CORE_X509_H
#define NSM_CORE_X509_H

#include "p384.h"

#define NSM_CERT_MAX	1024	/* AWS's verification rules cap each cert */
#define NSM_NAME_MAX	256	/* a DER Name we build */
#define NSM_KEYID_LEN	20
#define NSM_SERIAL_LEN	16

/* KeyUsage bits as der_named_bits() takes them (bit 0 = 0x80). */
#define X509_KU_DIGITAL_SIGNATURE	0x80
#define X509_KU_NON_REPUDIATION		0x40
#define X509_KU_KEY_CERT_SIGN		0x04
#define X509_KU_CRL_SIGN		0x02

/**
 * struct nsm_x509_tmpl - what goes into a certificate
 * @serial:     NSM_SERIAL_LEN random bytes; made positive and non-zero
 * @issuer:     DER Name of the issuer (byte-exact copy of its subject)
 * @issuer_len: its length
 * @subject:    DER Name of the subject
 * @subject_len: its length
 * @not_before: validity start, seconds since the epoch
 * @not_after:  validity end (inclusive), seconds since the epoch
 * @pub:        subject public key, uncompressed point
 * @skid:       SubjectKeyIdentifier, or NULL for none
 * @akid:       AuthorityKeyIdentifier key id (the issuer's SKI), or NULL
 * @akid_len:   its length
 * @ca:         BasicConstraints cA (always critical)
 * @pathlen:    pathLenConstraint, or -1 for none
 * @key_usage:  X509_KU_* bits (critical)
 */
struct nsm_x509_tmpl {
	u8 serial[NSM_SERIAL_LEN];
	const u8 *issuer;
	size_t issuer_len;
	const u8 *subject;
	size_t subject_len;
	u64 not_before;
	u64 not_after;
	const u8 *pub;
	const u8 *skid;
	const u8 *akid;
	size_t akid_len;
	bool ca;
	int pathlen;
	u8 key_usage;
};

/**
 * nsm_x509_name() - a DER Name "O=@o, OU=@ou, CN=@cn" of UTF8Strings
 * @out: receives the Name
 * @cap: room at @out
 * @o:   organization
 * @ou:  organizational unit, or NULL for none
 * @cn:  common name
 *
 * Return: its length, or 0 if it does not fit @cap.
 */
size_t nsm_x509_name(u8 *out, size_t cap, const char *o, const char *ou,
		     const char *cn);

/**
 * nsm_x509_key_id() - the key identifier of a public key
 * @pub: the key
 * @id:  receives the leftmost 160 bits of the SHA-384 of the
 *       subjectPublicKey bits (RFC 7093 section 2, method 2)
 *
 * Return: 0, or negative if hashing failed.
 */
int nsm_x509_key_id(const u8 pub[P384_PUB_LEN], u8 id[NSM_KEYID_LEN]);

/**
 * nsm_x509_issue() - build the certificate @t describes, signed by @ca_priv
 * @t:       contents
 * @ca_priv: issuer's private key (the subject's own key for a root)
 * @out:     receives the DER certificate
 * @cap:     room at @out
 *
 * Return: certificate length, or 0 if it did not fit or signing failed.
 */
size_t nsm_x509_issue(const struct nsm_x509_tmpl *t,
		      const u8 ca_priv[P384_SCALAR_LEN], u8 *out, size_t cap);

/**
 * struct nsm_x509_info - fields of a parsed certificate; pointers borrow
 * the certificate bytes
 * @tbs:         the signed part (TLV)
 * @tbs_len:     its length
 * @issuer:      issuer Name (TLV)
 * @issuer_len:  its length
 * @subject:     subject Name (TLV)
 * @subject_len: its length
 * @not_before:  validity start, seconds since the epoch
 * @not_after:   validity end (inclusive)
 * @pub:      subject public key (P-384 uncompressed point)
 * @ca:       BasicConstraints cA
 * @ca_critical: BasicConstraints is marked critical
 * @pathlen:  pathLenConstraint, -1 if absent
 * @key_usage: first KeyUsage byte (unused bits cleared), or 0xff when the
 *             extension is absent
 * @skid:      SubjectKeyIdentifier, NULL if absent
 * @skid_len:  its length
 * @akid:      AuthorityKeyIdentifier's keyIdentifier, NULL if absent
 * @akid_len:  its length
 * @sig_r:     the ECDSA signature's r, 48 bytes big-endian
 * @sig_s:     its s
 */
struct nsm_x509_info {
	const u8 *tbs;
	size_t tbs_len;
	const u8 *issuer;
	size_t issuer_len;
	const u8 *subject;
	size_t subject_len;
	u64 not_before;
	u64 not_after;
	u8 pub[P384_PUB_LEN];
	bool ca;
	bool ca_critical;
	int pathlen;
	u8 key_usage;
	const u8 *skid;
	size_t skid_len;
	const u8 *akid;
	size_t akid_len;
	u8 sig_r[P384_SCALAR_LEN];
	u8 sig_s[P384_SCALAR_LEN];
};

/**
 * nsm_x509_parse() - parse a certificate
 * @der:  its bytes
 * @len:  their number
 * @info: receives the fields; pointers borrow @der
 *
 * Only v3 certificates with a P-384 key signed with ecdsa-with-SHA384 are
 * accepted, and only well-formed DER throughout (der_well_formed()), also
 * in the elements not read, such as the Names. As RFC 5280 section 4.2
 * requires, an extension may appear once only, and a critical extension
 * other than BasicConstraints and KeyUsage (the ones the core acts on)
 * makes the certificate unusable here.
 * Return: 0, or -1 if @der is malformed, trails data, uses another
 * algorithm or has an extension it cannot honour.
 */
int nsm_x509_parse(const u8 *der, size_t len, struct nsm_x509_info *info);

#endif /* NSM_CORE_X509_H */
