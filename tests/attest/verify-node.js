#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0
//
// Verify an attestation document with a third-party verifier from the npm
// registry, @0xsequence/tee-verifier, trusting a root given as PEM.
//
//   node verify-node.js [--attime doc|now|SECONDS] DOC ROOT.pem
//   node verify-node.js --batch < LINES      (many documents, see batch())
//
// The library checks the chain against the document's own cabundle[0], so
// the root is pinned by comparing rootCertFingerprint() (SHA-256 of the
// cabundle root) with the SHA-256 of ROOT.pem's DER. Then
// verifyRootOfTrust(date) and verifySignature() must both pass.
// The package is loaded from $NSM_NODE_DIR/node_modules (default:
// build/node of this repository; tests/attest/verifiers.sh installs it).
//
// Exit status: 0 valid, 1 invalid, 2 usage, I/O or a missing package.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { pathToFileURL } = require('node:url');

// The library reads window.crypto (a browser global).
globalThis.window = { crypto: crypto.webcrypto };

function usage() {
	console.error('usage: verify-node.js [--attime doc|now|SECONDS] DOC ROOT.pem\n' +
		      '       verify-node.js --batch < LINES');
	process.exit(2);
}

// The library, loaded once per process.
async function loadLibrary() {
	const nodeDir = process.env.NSM_NODE_DIR ||
		path.join(__dirname, '..', '..', 'build', 'node');
	const entry = path.join(nodeDir, 'node_modules', '@0xsequence',
				'tee-verifier', 'dist', 'index.js');
	if (!fs.existsSync(entry)) {
		console.error(`verify-node: ${entry} missing (npm install --prefix ${nodeDir} @0xsequence/tee-verifier)`);
		process.exit(2);
	}
	return (await import(pathToFileURL(entry).href)).SignedAttestation;
}

// Verify DOC against ROOT at ATTIME; every message goes to say(). Returns
// the exit status of the single-document mode: 0 valid, 1 invalid, 2 I/O.
async function verifyOne(SignedAttestation, docPath, rootPath, attime, say) {
	let doc, root;
	try {
		doc = fs.readFileSync(docPath);
		root = new crypto.X509Certificate(fs.readFileSync(rootPath));
	} catch (e) {
		say(`verify-node: ${e.message}`);
		return 2;
	}
	// The library decodes an untagged COSE_Sign1 only; tag 18 (0xd2)
	// does not change what is signed, so it is removed first.
	if (doc[0] === 0xd2) {
		say('verify-node: tag 18 removed for the library');
		doc = doc.subarray(1);
	}

	let att;
	try {
		att = SignedAttestation.fromDocument(doc.toString('base64'));
	} catch (e) {
		say(`verify-node: INVALID: cannot decode: ${e.message}`);
		return 1;
	}
	const want = crypto.createHash('sha256').update(root.raw).digest('hex');
	const got = await att.rootCertFingerprint();
	if (got !== want) {
		say(`verify-node: INVALID: root fingerprint ${got}, trusted ${want}`);
		return 1;
	}
	say(`verify-node: root fingerprint ${got} matches`);

	const ts = Number(att.raw.timestamp);
	let when;
	if (attime === 'doc')
		when = new Date(ts);
	else if (attime === 'now')
		when = new Date();
	else if (/^[0-9]+$/.test(attime))
		when = new Date(Number(attime) * 1000);
	else
		return 2;
	let chainOk = false, sigOk = false;
	try {
		chainOk = await att.verifyRootOfTrust(when);
	} catch (e) {
		say(`verify-node: chain error: ${e.message}`);
	}
	if (!chainOk) {
		say(`verify-node: INVALID: chain does not verify at ${when.toISOString()}`);
		return 1;
	}
	say(`verify-node: chain OK at ${when.toISOString()}`);
	try {
		sigOk = await att.verifySignature();
	} catch (e) {
		say(`verify-node: signature error: ${e.message}`);
	}
	if (!sigOk) {
		say('verify-node: INVALID: COSE signature does not verify');
		return 1;
	}
	say('verify-node: COSE_Sign1 signature OK');
	say('verify-node: VALID');
	return 0;
}

// --batch: one document per line of stdin, "ATTIME<TAB>DOC<TAB>ROOT"; one
// line out per line in, "RC<TAB>DOC<TAB>ATTIME<TAB>messages joined by ' | '"
// (RC as the single mode's exit status). One process for a whole run: the
// library's load is most of a single verification's time.
async function batch(SignedAttestation) {
	const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l);
	for (const line of lines) {
		const [attime, docPath, rootPath] = line.split('\t');
		const msgs = [];
		let rc;
		if (!attime || !docPath || !rootPath) {
			rc = 2;
			msgs.push(`verify-node: bad batch line '${line}'`);
		} else {
			rc = await verifyOne(SignedAttestation, docPath, rootPath, attime,
					     (m) => msgs.push(m));
		}
		process.stdout.write(`${rc}\t${docPath}\t${attime}\t${msgs.join(' | ')}\n`);
	}
	return 0;
}

async function main() {
	const args = process.argv.slice(2);
	let attime = 'doc';
	if (args.length === 1 && args[0] === '--batch')
		return batch(await loadLibrary());
	while (args.length && args[0].startsWith('--')) {
		const opt = args.shift();
		if (opt === '--attime' && args.length)
			attime = args.shift();
		else
			usage();
	}
	if (args.length !== 2 ||
	    !(attime === 'doc' || attime === 'now' || /^[0-9]+$/.test(attime)))
		usage();
	const SignedAttestation = await loadLibrary();
	return verifyOne(SignedAttestation, args[0], args[1], attime, (m) =>
		(m.includes('INVALID') || m.includes('error') ? console.error : console.log)(m));
}

main().then((rc) => process.exit(rc), (e) => {
	console.error(`verify-node: ${e.stack || e}`);
	process.exit(2);
});
