// SPDX-License-Identifier: GPL-2.0
//
// An enclave application in Node: AWS's JavaScript SDK v3
// (@aws-sdk/client-kms, unmodified) against nsm-kmsd, with an attestation
// document of the device as the Recipient, the way an enclave asks KMS for
// its secrets. nsm-vm's tests run it unchanged in the guest. TAP on stdout.
//
//   node kms_sdk.js            (NODE_PATH finds @aws-sdk/client-kms)
//
// Environment: NSM_KMSD and NSMCTL, the programs (default: from PATH).
'use strict';
const { spawn, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const kms = require('@aws-sdk/client-kms');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-sdk-'));
const kmsdBin = process.env.NSM_KMSD || 'nsm-kmsd';
const nsmctl = process.env.NSMCTL || 'nsmctl';

let n = 0, failed = 0;
const ok = (cond, name) => {
	n++;
	if (!cond) failed++;
	console.log(`${cond ? '' : 'not '}ok ${n} - ${name}`);
};
const diag = (s) => console.log('# ' + String(s).split('\n').join('\n# '));
async function t(name, fn) {
	try {
		ok(await fn() !== false, name);
	} catch (e) {
		ok(false, name);
		diag(`${e.name}: ${e.message}`);
	}
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function startKmsd() {
	const portFile = path.join(tmp, 'port');
	const child = spawn(kmsdBin, ['--state', path.join(tmp, 'state'), '--port', '0',
		'--port-file', portFile, '--quiet'], { stdio: 'inherit' });
	for (let i = 0; i < 200 && !fs.existsSync(portFile); i++)
		await sleep(100);
	return { child, port: fs.readFileSync(portFile, 'utf8').trim() };
}

// the document of /dev/nsm with the Recipient's RSA public key in it
function attest(publicKey) {
	const spki = path.join(tmp, 'spki.der');
	const doc = path.join(tmp, 'doc.cbor');
	fs.writeFileSync(spki, publicKey.export({ type: 'spki', format: 'der' }));
	execFileSync(nsmctl, ['attest', '--public-key', '@' + spki, '-o', doc]);
	return fs.readFileSync(doc);
}

// CiphertextForRecipient: CMS EnvelopedData for the Recipient's key
function openEnvelope(env, privateKey) {
	const f = path.join(tmp, 'env.der'), key = path.join(tmp, 'key.pem');
	fs.writeFileSync(f, env);
	fs.writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
	return execFileSync('openssl', ['cms', '-decrypt', '-inform', 'DER', '-binary',
		'-inkey', key, '-in', f]);
}

async function main() {
	console.log('TAP version 13');
	console.log('1..7');
	const { child, port } = await startKmsd();
	const client = new kms.KMSClient({
		endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', maxAttempts: 1,
		credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' },
	});
	const send = (name, input) => client.send(new kms[name + 'Command'](input));
	const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
	const doc = attest(publicKey);
	const recipient = { KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', AttestationDocument: doc };
	const pcr0 = execFileSync(nsmctl, ['pcr', 'read', '0']).toString().match(/[0-9a-f]{96}/)[0];
	diag(`PCR0 ${pcr0}`);

	let keyId, blob;
	const secret = Buffer.from('the enclave\'s secret');
	await t('CreateKey', async () => {
		keyId = (await send('CreateKey', {})).KeyMetadata.KeyId;
		return typeof keyId === 'string';
	});
	await t('Encrypt', async () => {
		blob = (await send('Encrypt', { KeyId: keyId, Plaintext: secret })).CiphertextBlob;
		return blob.length > 0;
	});
	await t('Decrypt with the Recipient: only CiphertextForRecipient, which opens to the secret', async () => {
		const r = await send('Decrypt', { CiphertextBlob: blob, Recipient: recipient });
		return r.Plaintext === undefined && openEnvelope(r.CiphertextForRecipient, privateKey).equals(secret);
	});
	await t('GenerateRandom with the Recipient: 32 bytes in the envelope', async () => {
		const r = await send('GenerateRandom', { NumberOfBytes: 32, Recipient: recipient });
		return r.Plaintext === undefined && openEnvelope(r.CiphertextForRecipient, privateKey).length === 32;
	});

	// a key only this enclave image (its PCR0) may decrypt with
	const policy = (pcr) => JSON.stringify({
		Version: '2012-10-17',
		Statement: [
			{ Effect: 'Allow', Principal: '*', Action: ['kms:CreateKey', 'kms:Encrypt', 'kms:PutKeyPolicy', 'kms:GetKeyPolicy'], Resource: '*' },
			{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*',
			  Condition: { StringEqualsIgnoreCase: { 'kms:RecipientAttestation:PCR0': pcr } } },
		],
	});
	let pinned, pinnedBlob;
	await t('CreateKey with a policy on PCR0, Encrypt', async () => {
		pinned = (await send('CreateKey', { Policy: policy(pcr0) })).KeyMetadata.KeyId;
		pinnedBlob = (await send('Encrypt', { KeyId: pinned, Plaintext: secret })).CiphertextBlob;
		return true;
	});
	await t('Decrypt allowed for the enclave whose PCR0 the policy names', async () => {
		const r = await send('Decrypt', { CiphertextBlob: pinnedBlob, Recipient: recipient });
		return openEnvelope(r.CiphertextForRecipient, privateKey).equals(secret);
	});
	await t('Decrypt denied once the policy names another PCR0', async () => {
		await send('PutKeyPolicy', { KeyId: pinned, PolicyName: 'default', Policy: policy('00'.repeat(48)) });
		try {
			await send('Decrypt', { CiphertextBlob: pinnedBlob, Recipient: recipient });
		} catch (e) {
			diag(`${e.name}: ${e.message}`);
			return e.name === 'AccessDeniedException';
		}
		return false;
	});
	child.kill();
	fs.rmSync(tmp, { recursive: true, force: true });
	return failed ? 1 : 0;
}

main().then((rc) => { process.exitCode = rc; }, (e) => {
	console.log(`not ok - ${e.stack}`);
	process.exitCode = 1;
});
