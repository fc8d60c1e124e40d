// SPDX-License-Identifier: GPL-2.0
//
// Load: REQUESTS requests (default 10,000) from CLIENTS concurrent clients
// (default 8), each on its own keep-alive connection, a mix of CreateKey,
// Encrypt, Decrypt, GenerateDataKey, DescribeKey and GenerateRandom. Every
// answer must be 200 and every Decrypt must give back what was encrypted.
//
//   node load.js run URL STATEFILE [REQUESTS] [CLIENTS]
//       TAP; writes the keys made and some ciphertexts to STATEFILE
//   node load.js verify URL STATEFILE
//       TAP; after a restart: every key still listed, ciphertexts decrypt
'use strict';
const http = require('http');
const fs = require('fs');
const crypto = require('crypto');

const [mode, url, stateFile] = process.argv.slice(2);
const total = parseInt(process.argv[5] || '10000', 10);
const clients = parseInt(process.argv[6] || '8', 10);
const u = new URL(url);

function call(agent, op, body) {
	return new Promise((resolve, reject) => {
		const data = Buffer.from(JSON.stringify(body));
		const req = http.request({
			host: u.hostname, port: u.port, path: '/', method: 'POST', agent,
			headers: { 'Content-Type': 'application/x-amz-json-1.1',
				'X-Amz-Target': 'TrentService.' + op, 'Content-Length': data.length },
		}, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString();
				if (res.statusCode !== 200)
					return reject(new Error(`${op}: HTTP ${res.statusCode} ${text}`));
				resolve(text ? JSON.parse(text) : {});
			});
		});
		req.on('error', reject);
		req.end(data);
	});
}

let n = 0, failed = 0;
const ok = (c, name) => { n++; if (!c) failed++; console.log(`${c ? '' : 'not '}ok ${n} - ${name}`); };

async function listAll(agent) {
	const ids = new Set();
	let marker;
	for (;;) {
		const r = await call(agent, 'ListKeys', marker ? { Limit: 1000, Marker: marker } : { Limit: 1000 });
		r.Keys.forEach((k) => ids.add(k.KeyId));
		if (!r.Truncated) return ids;
		marker = r.NextMarker;
	}
}

async function run() {
	const keys = [], samples = [];
	let errors = 0, mismatches = 0, done = 0;
	const first = new Error('none');
	let firstError = first;
	const per = Math.ceil(total / clients);
	const t0 = process.hrtime.bigint();
	await Promise.all([...Array(clients).keys()].map(async (c) => {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		let mine = null, pending = null;
		for (let i = 0; i < per && done < total; i++) {
			done++;
			try {
				if (!mine || i % 25 === 0) {
					const r = await call(agent, 'CreateKey', { Description: `load ${c}/${i}` });
					mine = r.KeyMetadata.KeyId;
					keys.push(mine);
				} else if (pending) {
					const r = await call(agent, 'Decrypt', { CiphertextBlob: pending.blob,
						EncryptionContext: pending.ctx });
					if (r.Plaintext !== pending.pt) mismatches++;
					if (samples.length < 50) samples.push(pending);
					pending = null;
				} else if (i % 5 === 1) {
					const pt = crypto.randomBytes(1 + (i % 200)).toString('base64');
					const ctx = { client: String(c), i: String(i) };
					const r = await call(agent, 'Encrypt', { KeyId: mine, Plaintext: pt, EncryptionContext: ctx });
					pending = { blob: r.CiphertextBlob, pt, ctx, key: mine };
				} else if (i % 5 === 2) {
					const r = await call(agent, 'GenerateDataKey', { KeyId: mine, KeySpec: 'AES_256' });
					pending = { blob: r.CiphertextBlob, pt: r.Plaintext, ctx: {}, key: mine };
				} else if (i % 5 === 3) {
					const r = await call(agent, 'DescribeKey', { KeyId: mine });
					if (r.KeyMetadata.KeyId !== mine) mismatches++;
				} else {
					const r = await call(agent, 'GenerateRandom', { NumberOfBytes: 32 });
					if (Buffer.from(r.Plaintext, 'base64').length !== 32) mismatches++;
				}
			} catch (e) {
				errors++;
				if (firstError === first) firstError = e;
			}
		}
		agent.destroy();
	}));
	const secs = Number(process.hrtime.bigint() - t0) / 1e9;
	console.log('TAP version 13');
	ok(errors === 0, `${done} requests from ${clients} concurrent clients: ${errors} errors` +
		(errors ? ` (first: ${firstError.message})` : ''));
	ok(mismatches === 0, `every Decrypt gave back its plaintext, every answer matched (${mismatches} mismatches)`);
	console.log(`# ${done} requests in ${secs.toFixed(2)} s: ${(done / secs).toFixed(0)} requests/s`);
	const agent = new http.Agent({ keepAlive: true });
	const listed = await listAll(agent);
	const lost = keys.filter((k) => !listed.has(k));
	ok(keys.length > 0 && lost.length === 0, `all ${keys.length} keys made are listed (${lost.length} lost)`);
	agent.destroy();
	fs.writeFileSync(stateFile, JSON.stringify({ keys, samples }));
	console.log(`1..${n}`);
	return failed === 0;
}

async function verify() {
	const { keys, samples } = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
	const agent = new http.Agent({ keepAlive: true });
	console.log('TAP version 13');
	const listed = await listAll(agent);
	const lost = keys.filter((k) => !listed.has(k));
	ok(lost.length === 0, `after a restart all ${keys.length} keys are listed (${lost.length} lost)`);
	let bad = 0;
	for (const s of samples) {
		try {
			const r = await call(agent, 'Decrypt', { CiphertextBlob: s.blob, EncryptionContext: s.ctx });
			if (r.Plaintext !== s.pt) bad++;
		} catch (e) { bad++; }
	}
	ok(samples.length > 0 && bad === 0, `after a restart ${samples.length} earlier ciphertexts decrypt (${bad} failed)`);
	agent.destroy();
	console.log(`1..${n}`);
	return failed === 0;
}

(mode === 'run' ? run() : verify()).then((good) => process.exit(good ? 0 : 1), (e) => {
	console.log(`not ok ${n + 1} - ${e.message}`);
	console.log(`1..${n + 1}`);
	process.exit(1);
});
