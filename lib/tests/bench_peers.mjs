// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Third-party verifiers from the npm registry on the real AWS documents,
// for `make bench` (tests/bench_peers.sh runs this):
//
//   node bench_peers.mjs NODE_DIR info DOC...
//       one line per document: DOC, its timestamp (ms), its leaf (hex)
//   node bench_peers.mjs NODE_DIR run PEER DOC LEAF_HEX SECONDS
//       verify DOC with PEER over and over for SECONDS of CPU time, at the
//       document's time (the caller runs this under libfaketime: the
//       evervault packages read the clock themselves), and print
//       "PEER<TAB>DOC<TAB>verifications<TAB>cpu seconds<TAB>ok|FAIL why"
//
// Peers: tee-verifier (@0xsequence/tee-verifier), evervault-wasm
// (@evervault/wasm-attestation-bindings), evervault-native
// (@evervault/attestation-bindings, its prebuilt binary). Rates are CPU
// time of this process (process.cpuUsage), as libnsm's bench counts the
// CPU time of its thread.
'use strict';

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [nodeDir, mode, ...args] = process.argv.slice(2);
const mods = path.resolve(nodeDir, 'node_modules');
const require = createRequire(path.join(mods, 'x.js'));
globalThis.window = { crypto: crypto.webcrypto };	// tee-verifier reads it

const AWS_ROOT_SHA256 =
	'641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b';

async function teeVerifier() {
	const entry = path.join(mods, '@0xsequence', 'tee-verifier', 'dist', 'index.js');
	return (await import(pathToFileURL(entry).href)).SignedAttestation;
}

function cpu() {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1e6;
}

// One verification with each peer: true when the document is valid.
async function makePeer(name, doc, leaf) {
	if (name === 'tee-verifier') {
		const SA = await teeVerifier();
		const b64 = doc.toString('base64');
		return async () => {
			const att = SA.fromDocument(b64);
			const when = new Date(Number(att.raw.timestamp));
			return (await att.rootCertFingerprint()) === AWS_ROOT_SHA256 &&
			       (await att.verifyRootOfTrust(when)) &&
			       (await att.verifySignature());
		};
	}
	if (name === 'evervault-wasm') {
		const dir = path.join(mods, '@evervault', 'wasm-attestation-bindings');
		const w = await import(pathToFileURL(path.join(dir, 'index.js')).href);
		w.initSync({ module: fs.readFileSync(path.join(dir, 'index_bg.wasm')) });
		const b64 = doc.toString('base64');
		// an empty PCR set: the chain and the signature, no PCR policy
		return async () => w.validateAttestationDocPcrs(b64, [w.PCRs.empty()]);
	}
	if (name === 'evervault-native') {
		const nat = require('@evervault/attestation-bindings');
		// Its one entry point also binds the document to a TLS
		// certificate, after the chain and the COSE signature; given the
		// leaf as that certificate it returns false at the binding, and
		// says why on stderr: the caller counts a run as valid when every
		// message is about that binding, none about the chain or the
		// signature.
		return async () => { nat.attestEnclave(leaf, [{}], doc); return true; };
	}
	throw new Error(`unknown peer ${name}`);
}

if (mode === 'info') {
	const SA = await teeVerifier();
	for (const p of args) {
		const doc = fs.readFileSync(p);
		const att = SA.fromDocument(doc.toString('base64'));
		const leaf = Buffer.from(att.raw.certificate).toString('hex');
		process.stdout.write(`${p}\t${Number(att.raw.timestamp)}\t${leaf}\n`);
	}
} else if (mode === 'run') {
	const [name, docPath, leafHex, seconds] = args;
	const doc = fs.readFileSync(docPath);
	const verify = await makePeer(name, doc, Buffer.from(leafHex, 'hex'));
	let ok = true, why = '';
	try {
		ok = await verify();
	} catch (e) {
		ok = false;
		why = e.message;
	}
	let n = 0;
	const t0 = cpu(), budget = Number(seconds);
	while (cpu() - t0 < budget || n < 5) {
		await verify();
		n++;
	}
	const t = cpu() - t0;
	process.stdout.write(`${name}\t${path.basename(docPath)}\t${n}\t${t.toFixed(6)}\t` +
			     `${ok ? 'ok' : 'FAIL ' + why}\n`);
} else {
	console.error('usage: bench_peers.mjs NODE_DIR info DOC... | run PEER DOC LEAF SECONDS');
	process.exit(2);
}
