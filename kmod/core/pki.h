/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulator's test PKI: a chain root -> regional -> zonal -> instance CA
 * (the shape AWS uses), the instance CA's private key, and the current leaf
 * certificate and key that sign attestation documents.
 *
 * Two ways to get a chain:
 *  - nsm_pki_generate(): an ephemeral chain minted in the core (the module
 *    does this at load; the root is exported as PEM for users to trust);
 *  - nsm_pki_provision(): a chain made elsewhere (nsmctl ca init, OpenSSL)
 *    plus the instance CA key, validated before it replaces anything.
 * Leaves are minted here, with a fresh key each, and replaced when they are
 * no longer valid at the real current time.
 *
 * Two layers. struct nsm_ca (a chain and the key that issues leaves) and
 * struct nsm_leaf (a leaf certificate and its key) never change once
 * built: callers may share them between threads and sign with them
 * concurrently, as long as they keep each alive while in use (the module
 * reference-counts them). struct nsm_pki bundles one chain, the current
 * leaf and the fidelity switches for single-threaded users (tests, fuzzers,
 * the fake devices); like the rest of the core it does not lock, the caller
 * serialises every call on one struct nsm_pki. Key material is wiped with
 * nsm_plat_free() when an object is freed.
 */
#ifndef NSM_CORE_PKI_H
#define NSM_CORE_PKI_H

#include "x509.h"

#define NSM_PKI_CHAIN_MAX	4		/* root, regional, zonal, instance */
#define NSM_PKI_LEAF_LIFETIME	(3 * 3600)	/* seconds, as AWS's leaves */
#define NSM_PKI_LIFETIME_MAX	(397U * 86400)	/* CA/B Forum's leaf ceiling */
#define NSM_PKI_OFFSET_MAX	(100LL * 366 * 86400 * 1000)	/* ms */
/* Root PEM: 64 base64 characters a line plus the armour. */
#define NSM_PKI_PEM_MAX		(((NSM_CERT_MAX + 2) / 3 * 4) * 65 / 64 + 64)

/* Why a PKI call failed; functions return the negated value. */
enum nsm_pki_err {
	NSM_PKI_OK = 0,
	NSM_PKI_ENOMEM,		/* allocation failed */
	NSM_PKI_ECRYPTO,	/* RNG, hashing or signing failed */
	NSM_PKI_EKEY,		/* the key is not a P-384 private key */
	NSM_PKI_EKEYMISMATCH,	/* the key is not the instance cert's key */
	NSM_PKI_ECERT,		/* malformed, > 1 KiB, not ES384, bad extension */
	NSM_PKI_ECHAIN,		/* bad length, issuer or key id != parent's */
	NSM_PKI_ENOTCA,		/* not critical cA, no keyCertSign, pathLen */
	NSM_PKI_EEXPIRED,	/* a CA is not valid at the current time */
	NSM_PKI_ESIG,		/* a certificate signature does not verify */
	NSM_PKI_EINVAL,		/* a setting out of range */
	NSM_PKI_ENOCHAIN,	/* no chain loaded yet */
	NSM_PKI_NERR
};

struct nsm_ca;
struct nsm_leaf;

/**
 * struct nsm_pki_settings - the fidelity switches
 * @leaf_lifetime_s: lifetime of each new leaf, 1..NSM_PKI_LIFETIME_MAX
 *                   seconds (default NSM_PKI_LEAF_LIFETIME)
 * @clock_offset_ms: added to the document timestamp only; leaves are still
 *                   issued on the real clock, so an offset larger than the
 *                   remaining leaf life gives a document whose leaf has
 *                   expired at the document's time, and a negative one a
 *                   leaf that is not yet valid (|offset| <= NSM_PKI_OFFSET_MAX)
 * @tagged:          prefix documents with COSE_Sign1 tag 18 (0xd2); real
 *                   hardware does not
 * @indefinite:      encode the payload map with indefinite length (0xbf ...
 *                   0xff), as hardware does since mid-2025 (default on)
 */
struct nsm_pki_settings {
	u32 leaf_lifetime_s;
	s64 clock_offset_ms;
	bool tagged;
	bool indefinite;
};

/**
 * struct nsm_pki_status - what the control interface reports
 * @have_chain:       a chain is loaded
 * @provisioned:      it was provisioned (false: generated ephemerally)
 * @chain_len:        certificates in the cabundle (root first)
 * @ca_not_after:     end of the instance CA's validity, epoch seconds
 * @leaf_not_before:  current leaf validity start (0 when none issued yet)
 * @leaf_not_after:   current leaf validity end
 * @leaves_issued:    leaf certificates minted since creation
 */
struct nsm_pki_status {
	bool have_chain;
	bool provisioned;
	unsigned int chain_len;
	u64 ca_not_after;
	u64 leaf_not_before;
	u64 leaf_not_after;
	u64 leaves_issued;
};

/**
 * nsm_ca_generate() - mint a fresh ephemeral chain (four new P-384 keys;
 * only the instance CA's is kept)
 * @module_id: a module id whose "i-..." part names the instance CA
 * @now_s:     current time, epoch seconds
 * @out:       receives the chain
 *
 * Context: may sleep (allocates, about 30 ms of P-384 work).
 * Return: 0 or -enum nsm_pki_err.
 */
int nsm_ca_generate(const char *module_id, u64 now_s, struct nsm_ca **out);

/**
 * nsm_ca_provision() - validate a chain made elsewhere into a struct nsm_ca
 * @key:       instance CA private key: 48 raw big-endian bytes, SEC 1
 *             ECPrivateKey DER (RFC 5915) or PKCS #8 PrivateKeyInfo DER
 * @key_len:   its length
 * @chain:     concatenated DER certificates, root first, instance CA last
 *             (1 to NSM_PKI_CHAIN_MAX, each at most NSM_CERT_MAX bytes)
 * @chain_len: its length
 * @now_s:     current time, epoch seconds
 * @out:       receives the chain
 *
 * Checks that the key is valid and is the instance certificate's key, that
 * every certificate is well-formed DER and a P-384/ecdsa-with-SHA384 v3 CA
 * certificate (critical BasicConstraints cA) valid at @now_s with
 * keyCertSign and a large enough pathLen, that the first is self-issued and
 * that each names its parent's subject as issuer, byte for byte, and its
 * parent's subject key id as authority key id when both are present, and
 * that each signature verifies under its parent's key (the root's under its
 * own). See nsm_x509_parse() for the extensions accepted.
 * Return: 0 or -enum nsm_pki_err.
 */
int nsm_ca_provision(const u8 *key, size_t key_len, const u8 *chain,
		     size_t chain_len, u64 now_s, struct nsm_ca **out);

/** nsm_ca_free() - wipe the key, then free (NULL ok) */
void nsm_ca_free(struct nsm_ca *ca);

/**
 * nsm_ca_cert() - borrow a certificate of the cabundle
 * @ca:  the chain (NULL gives -NSM_PKI_ENOCHAIN)
 * @i:   its position, 0 = root
 * @der: receives the DER bytes, valid as long as @ca
 * @len: receives their length
 *
 * Return: 0, or -NSM_PKI_ENOCHAIN / -NSM_PKI_EINVAL.
 */
int nsm_ca_cert(const struct nsm_ca *ca, unsigned int i,
		const u8 **der, size_t *len);
/** nsm_ca_len() - certificates in the cabundle, 1..NSM_PKI_CHAIN_MAX */
unsigned int nsm_ca_len(const struct nsm_ca *ca);
/** nsm_ca_provisioned() - made by nsm_ca_provision(), not generated */
bool nsm_ca_provisioned(const struct nsm_ca *ca);
/** nsm_ca_not_after() - end of the instance CA's validity, epoch seconds */
u64 nsm_ca_not_after(const struct nsm_ca *ca);

/**
 * nsm_leaf_issue() - mint a leaf certificate (fresh key and serial) under
 * the instance CA of @ca
 * @ca:         the chain
 * @module_id:  names the leaf subject
 * @now_s:      real current time, epoch seconds: the leaf's notBefore
 * @lifetime_s: 1..NSM_PKI_LIFETIME_MAX; the leaf never outlives the CA
 * @out:        receives the leaf
 *
 * Context: may sleep (allocates, two P-384 operations).
 * Return: 0, -NSM_PKI_ENOCHAIN, -NSM_PKI_EINVAL, -NSM_PKI_EEXPIRED when
 * the instance CA is not valid at @now_s, -NSM_PKI_ENOMEM or
 * -NSM_PKI_ECRYPTO.
 */
int nsm_leaf_issue(const struct nsm_ca *ca, const char *module_id, u64 now_s,
		   u32 lifetime_s, struct nsm_leaf **out);
/** nsm_leaf_free() - wipe the key, then free (NULL ok) */
void nsm_leaf_free(struct nsm_leaf *leaf);
/** nsm_leaf_valid() - @leaf is not NULL and valid at @now_s */
bool nsm_leaf_valid(const struct nsm_leaf *leaf, u64 now_s);
/** nsm_leaf_cert() - borrow the certificate, valid as long as @leaf */
void nsm_leaf_cert(const struct nsm_leaf *leaf, const u8 **der, size_t *len);
/** nsm_leaf_priv() - borrow the P384_SCALAR_LEN-byte private key */
const u8 *nsm_leaf_priv(const struct nsm_leaf *leaf);
u64 nsm_leaf_not_before(const struct nsm_leaf *leaf);
u64 nsm_leaf_not_after(const struct nsm_leaf *leaf);

/**
 * nsm_pki_default_settings() - the switches of a new PKI or instance:
 * untagged, indefinite-length map, no clock offset, 3-hour leaves
 * @s: receives them
 */
void nsm_pki_default_settings(struct nsm_pki_settings *s);

/**
 * nsm_pki_settings_check() - are @s within range?
 * @s: the settings
 *
 * Return: 0, or -NSM_PKI_EINVAL.
 */
int nsm_pki_settings_check(const struct nsm_pki_settings *s);

struct nsm_pki;

/**
 * nsm_pki_new() - empty PKI state with default settings and no chain
 * Context: may sleep (allocates about 7 KB).
 * Return: the state, or NULL when out of memory.
 */
struct nsm_pki *nsm_pki_new(void);

/** nsm_pki_free() - wipe every key and certificate, then free (NULL ok) */
void nsm_pki_free(struct nsm_pki *pki);

/**
 * nsm_pki_generate() - replace the chain with nsm_ca_generate()'s
 * @pki:       the state
 * @module_id: the NSM's module id; its "i-..." part names the instance CA
 * @now_s:     current time, epoch seconds
 *
 * On failure the previous chain stays in force.
 * Return: 0 or -enum nsm_pki_err.
 */
int nsm_pki_generate(struct nsm_pki *pki, const char *module_id, u64 now_s);

/**
 * nsm_pki_provision() - replace the chain with a provisioned one
 * @pki:       the state
 * @key:       instance CA private key: 48 raw big-endian bytes, SEC 1
 *             ECPrivateKey DER (RFC 5915) or PKCS #8 PrivateKeyInfo DER
 * @key_len:   its length
 * @chain:     concatenated DER certificates, root first, instance CA last
 *             (1 to NSM_PKI_CHAIN_MAX, each at most NSM_CERT_MAX bytes)
 * @chain_len: its length
 * @now_s:     current time, epoch seconds
 *
 * Checks what nsm_ca_provision() checks. On any failure nothing changes.
 * Return: 0 or -enum nsm_pki_err.
 */
int nsm_pki_provision(struct nsm_pki *pki, const u8 *key, size_t key_len,
		      const u8 *chain, size_t chain_len, u64 now_s);

/** nsm_pki_strerror() - a message for -enum nsm_pki_err @err */
const char *nsm_pki_strerror(int err);

/**
 * nsm_pki_cert() - borrow a certificate of the cabundle
 * @pki: the state
 * @i:   its position, 0 = root
 * @der: receives the DER bytes, valid until the chain is replaced
 * @len: receives their length
 *
 * Return: 0, or -NSM_PKI_ENOCHAIN / -NSM_PKI_EINVAL.
 */
int nsm_pki_cert(const struct nsm_pki *pki, unsigned int i,
		 const u8 **der, size_t *len);

#ifndef __KERNEL__
/**
 * nsm_pki_root_pem() - the root certificate as PEM (userspace builds only,
 * in tests/plat_user.c: the module exports DER)
 * @pki: the state
 * @buf: receives the PEM text (no NUL is added)
 * @cap: room at @buf; NSM_PKI_PEM_MAX is always enough
 *
 * Return: the PEM length, or -enum nsm_pki_err.
 */
int nsm_pki_root_pem(const struct nsm_pki *pki, char *buf, size_t cap);
#endif

/** nsm_pki_ca() - the current chain, NULL when none (borrowed) */
const struct nsm_ca *nsm_pki_ca(const struct nsm_pki *pki);

void nsm_pki_get_settings(const struct nsm_pki *pki,
			  struct nsm_pki_settings *s);
/**
 * nsm_pki_set_settings() - apply the fidelity switches
 * @pki: the state
 * @s:   the new settings, all of them (read, change, write back)
 *
 * A new leaf lifetime drops the current leaf, so the next document gets a
 * leaf of that lifetime.
 * Return: 0, or -NSM_PKI_EINVAL (nothing changed) when out of range.
 */
int nsm_pki_set_settings(struct nsm_pki *pki,
			 const struct nsm_pki_settings *s);

void nsm_pki_get_status(const struct nsm_pki *pki, struct nsm_pki_status *st);

/**
 * nsm_pki_drop_leaf() - wipe the current leaf key and certificate, so the
 * next document gets a new leaf (for example after the module id changed,
 * since it names the leaf)
 * @pki: the state
 */
void nsm_pki_drop_leaf(struct nsm_pki *pki);

/**
 * nsm_pki_leaf() - the leaf to sign with at real time @now_ms, minting a new
 * one (fresh key, serial, lifetime) when there is none or the current one is
 * not valid at @now_ms
 * @pki:       the state
 * @module_id: names the leaf subject
 * @now_ms:    real current time (no clock offset), epoch milliseconds
 * @leaf:      receives the leaf, borrowed until the next call on @pki
 *
 * Return: 0, -NSM_PKI_ENOCHAIN, -NSM_PKI_EEXPIRED if the instance CA is not
 * valid at @now_ms, -NSM_PKI_ENOMEM or -NSM_PKI_ECRYPTO.
 */
int nsm_pki_leaf(struct nsm_pki *pki, const char *module_id, u64 now_ms,
		 const struct nsm_leaf **leaf);

#endif /* NSM_CORE_PKI_H */
