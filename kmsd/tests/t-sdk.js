// SPDX-License-Identifier: GPL-2.0
//
// nsm-kmsd through AWS's JavaScript SDK v3 (@aws-sdk/client-kms, unmodified,
// pointed at the endpoint), TAP on stdout.
//
//   node t-sdk.js URL DIR
//
// DIR holds what t-daemon.sh made: rsa.pem (the Recipient key), documents
// (ok, stale, untrusted, debug, tampered, nokey, ec, rsa3072 .cbor) and
// pcr0 (PCR0 of ok.cbor, hex). CiphertextForRecipient envelopes are written
// to DIR/env-*.der and opened with `openssl cms -decrypt`.
'use strict';
const path = require('path');
const fs = require('fs');
const { execFileSync } = require('child_process');
const kms = require('@aws-sdk/client-kms');

const [url, dir] = process.argv.slice(2);
const client = new kms.KMSClient({
	endpoint: url, region: 'us-east-1', maxAttempts: 1,
	credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' },
});
const send = (name, input) => client.send(new kms[name + 'Command'](input));
const doc = (name) => fs.readFileSync(path.join(dir, name + '.cbor'));
const pcr0 = fs.readFileSync(path.join(dir, 'pcr0'), 'utf8').trim();
const recipient = (name, alg) => ({
	KeyEncryptionAlgorithm: alg || 'RSAES_OAEP_SHA_256',
	AttestationDocument: doc(name),
});

let n = 0, failed = 0;
const ok = (cond, name) => {
	n++;
	if (!cond) failed++;
	console.log(`${cond ? '' : 'not '}ok ${n} - ${name}`);
	return cond;
};
const diag = (s) => console.log('# ' + String(s).split('\n').join('\n# '));

async function t(name, fn) {
	try {
		const r = await fn();
		ok(r !== false, name);
	} catch (e) {
		ok(false, name);
		diag(`${e.name}: ${e.message}`);
	}
}

// the call must fail with @type (and a message matching @re, if given)
async function fails(name, type, re, fn) {
	try {
		await fn();
		ok(false, `${name}: ${type}`);
		diag('it succeeded');
	} catch (e) {
		const good = e.name === type && e.$metadata &&
			e.$metadata.httpStatusCode >= 400 &&
			typeof e.message === 'string' && e.message.length > 0 &&
			(!re || re.test(e.message));
		ok(good, `${name}: ${type}`);
		if (!good)
			diag(`got ${e.name} (${e.$metadata && e.$metadata.httpStatusCode}): ${e.message}`);
		else
			diag(e.message);
	}
}

// openssl cms -decrypt of an envelope with the Recipient's private key
let envs = 0;
function openEnvelope(buf) {
	const f = path.join(dir, `env-${++envs}.der`);
	fs.writeFileSync(f, buf);
	return execFileSync('openssl', ['cms', '-decrypt', '-inform', 'DER',
		'-binary', '-inkey', path.join(dir, 'rsa.pem'), '-in', f]);
}
// the KMS shape: indefinite outer levels, KTRI version 2 with a 32-byte SKI
function kmsShape(buf) {
	const head = Buffer.from('30800609' + '2a864886f70d010703' + 'a0803080020102' +
		'3182016b30820167020102' + '8020', 'hex');
	return buf.subarray(0, head.length).equals(head) &&
		buf.subarray(buf.length - 10).equals(Buffer.alloc(10));
}

const policy = (statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const admin = {
	Sid: 'admin', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' },
	Action: ['kms:Create*', 'kms:Describe*', 'kms:Put*', 'kms:Get*', 'kms:Encrypt',
		'kms:GenerateDataKeyWithoutPlaintext'],
	Resource: '*',
};
const enclave = (value) => ({
	Sid: 'enclave', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/enclave' },
	Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*',
	Condition: { StringEqualsIgnoreCase: { 'kms:RecipientAttestation:ImageSha384': value } },
});

(async () => {
	console.log('TAP version 13');
	const te = new TextEncoder(), td = new TextDecoder();
	let key, key2, arn;

	// ---- keys, aliases, policies ----
	await t('CreateKey: KeyMetadata as KMS gives it', async () => {
		const r = await send('CreateKey', { Description: 'sdk test' });
		key = r.KeyMetadata.KeyId; arn = r.KeyMetadata.Arn;
		return /^[0-9a-f-]{36}$/.test(key) && arn.endsWith(':key/' + key) &&
			r.KeyMetadata.CreationDate instanceof Date &&
			Math.abs(r.KeyMetadata.CreationDate - Date.now()) < 60000 &&
			r.KeyMetadata.KeyState === 'Enabled' && r.KeyMetadata.Enabled === true &&
			r.KeyMetadata.KeySpec === 'SYMMETRIC_DEFAULT' &&
			r.KeyMetadata.Description === 'sdk test';
	});
	key2 = (await send('CreateKey', {})).KeyMetadata.KeyId;
	await t('CreateAlias', async () => {
		await send('CreateAlias', { AliasName: 'alias/sdk-test', TargetKeyId: key });
		return true;
	});
	for (const [form, id] of [['key id', () => key], ['key ARN', () => arn],
		['alias name', () => 'alias/sdk-test'],
		['alias ARN', () => 'arn:aws:kms:us-east-1:111122223333:alias/sdk-test']])
		await t(`DescribeKey by ${form}`, async () =>
			(await send('DescribeKey', { KeyId: id() })).KeyMetadata.KeyId === key);
	await fails('CreateAlias again', 'AlreadyExistsException', /already exists/,
		() => send('CreateAlias', { AliasName: 'alias/sdk-test', TargetKeyId: key2 }));
	await fails('CreateAlias under alias/aws/', 'InvalidAliasNameException', /reserved/,
		() => send('CreateAlias', { AliasName: 'alias/aws/x', TargetKeyId: key2 }));
	await fails('CreateAlias to an alias', 'NotFoundException', /not an alias/,
		() => send('CreateAlias', { AliasName: 'alias/x2', TargetKeyId: 'alias/sdk-test' }));
	await fails('CreateAlias with a bad character', 'ValidationException', /pattern/,
		() => send('CreateAlias', { AliasName: 'alias/a b', TargetKeyId: key2 }));
	await fails('DescribeKey of a key that does not exist', 'NotFoundException', /does not exist/,
		() => send('DescribeKey', { KeyId: '00000000-0000-4000-8000-000000000000' }));
	await fails('DescribeKey of an alias that does not exist', 'NotFoundException', /is not found/,
		() => send('DescribeKey', { KeyId: 'alias/none' }));
	await fails('DescribeKey with another region\'s ARN', 'NotFoundException', /region us-east-1/,
		() => send('DescribeKey', { KeyId: arn.replace('us-east-1', 'eu-west-1') }));
	await t('ListKeys pages with Limit and Marker', async () => {
		const a = await send('ListKeys', { Limit: 1 });
		const b = await send('ListKeys', { Limit: 1000, Marker: a.NextMarker });
		const all = a.Keys.concat(b.Keys).map((k) => k.KeyId);
		return a.Truncated === true && a.Keys.length === 1 && b.Truncated === false &&
			all.includes(key) && all.includes(key2) && new Set(all).size === all.length;
	});
	await fails('ListKeys with a foreign marker', 'InvalidMarkerException', null,
		() => send('ListKeys', { Marker: 'garbage' }));
	await t('ListAliases filtered by KeyId', async () => {
		const r = await send('ListAliases', { KeyId: key });
		return r.Aliases.length === 1 && r.Aliases[0].AliasName === 'alias/sdk-test' &&
			r.Aliases[0].TargetKeyId === key && r.Aliases[0].CreationDate instanceof Date;
	});
	await t('GetKeyPolicy: the default policy', async () => {
		const r = await send('GetKeyPolicy', { KeyId: key, PolicyName: 'default' });
		const p = JSON.parse(r.Policy);
		return p.Statement[0].Action === 'kms:*' && r.PolicyName === 'default';
	});
	await fails('GetKeyPolicy of a policy name other than default', 'NotFoundException', /default/,
		() => send('GetKeyPolicy', { KeyId: key, PolicyName: 'other' }));

	// ---- symmetric operations ----
	const msg = te.encode('envelope encryption, locally');
	let blob, blobCtx;
	await t('Encrypt/Decrypt round trip without context', async () => {
		const e = await send('Encrypt', { KeyId: 'alias/sdk-test', Plaintext: msg });
		blob = e.CiphertextBlob;
		const d = await send('Decrypt', { CiphertextBlob: blob });
		return e.KeyId === arn && d.KeyId === arn && td.decode(d.Plaintext) === td.decode(msg) &&
			d.EncryptionAlgorithm === 'SYMMETRIC_DEFAULT';
	});
	const ctx = { purpose: 'test', 'aws:tenant': 'a' };
	await t('Encrypt/Decrypt round trip with an encryption context', async () => {
		blobCtx = (await send('Encrypt', { KeyId: key, Plaintext: msg, EncryptionContext: ctx })).CiphertextBlob;
		const d = await send('Decrypt', { CiphertextBlob: blobCtx, EncryptionContext: { 'aws:tenant': 'a', purpose: 'test' } });
		return td.decode(d.Plaintext) === td.decode(msg);
	});
	await fails('Decrypt with another context', 'InvalidCiphertextException', /EncryptionContext/,
		() => send('Decrypt', { CiphertextBlob: blobCtx, EncryptionContext: { purpose: 'Test', 'aws:tenant': 'a' } }));
	await fails('Decrypt without the context', 'InvalidCiphertextException', null,
		() => send('Decrypt', { CiphertextBlob: blobCtx }));
	await fails('Decrypt of a tampered blob', 'InvalidCiphertextException', /altered/, () => {
		const b = Buffer.from(blob); b[b.length - 20] ^= 1;
		return send('Decrypt', { CiphertextBlob: b });
	});
	await fails('Decrypt of bytes nsm-kmsd never made', 'InvalidCiphertextException', /blob format/,
		() => send('Decrypt', { CiphertextBlob: te.encode('not a blob at all, clearly not') }));
	await fails('Decrypt naming another key', 'IncorrectKeyException', null,
		() => send('Decrypt', { CiphertextBlob: blob, KeyId: key2 }));
	await fails('Encrypt of 4097 bytes', 'ValidationException', /4096/,
		() => send('Encrypt', { KeyId: key, Plaintext: new Uint8Array(4097) }));
	await t('Encrypt of 4096 bytes', async () =>
		(await send('Encrypt', { KeyId: key, Plaintext: new Uint8Array(4096) })).CiphertextBlob.length > 4096);
	await t('GenerateDataKey AES_256: 32 bytes, and its blob decrypts to them', async () => {
		const g = await send('GenerateDataKey', { KeyId: key, KeySpec: 'AES_256' });
		const d = await send('Decrypt', { CiphertextBlob: g.CiphertextBlob });
		return g.Plaintext.length === 32 && Buffer.from(d.Plaintext).equals(Buffer.from(g.Plaintext));
	});
	await t('GenerateDataKey NumberOfBytes 64, with a context', async () => {
		const g = await send('GenerateDataKey', { KeyId: key, NumberOfBytes: 64, EncryptionContext: ctx });
		const d = await send('Decrypt', { CiphertextBlob: g.CiphertextBlob, EncryptionContext: ctx });
		return g.Plaintext.length === 64 && Buffer.from(d.Plaintext).equals(Buffer.from(g.Plaintext));
	});
	await fails('GenerateDataKey with KeySpec and NumberOfBytes', 'ValidationException', /Both/,
		() => send('GenerateDataKey', { KeyId: key, KeySpec: 'AES_128', NumberOfBytes: 16 }));
	await fails('GenerateDataKey with neither', 'ValidationException', /Either/,
		() => send('GenerateDataKey', { KeyId: key }));
	await t('GenerateDataKeyWithoutPlaintext: no Plaintext, the blob decrypts to 16 bytes', async () => {
		const g = await send('GenerateDataKeyWithoutPlaintext', { KeyId: key, KeySpec: 'AES_128' });
		const d = await send('Decrypt', { CiphertextBlob: g.CiphertextBlob });
		return g.Plaintext === undefined && d.Plaintext.length === 16;
	});
	await t('GenerateRandom 1024 bytes', async () =>
		(await send('GenerateRandom', { NumberOfBytes: 1024 })).Plaintext.length === 1024);
	await fails('GenerateRandom 1025 bytes', 'ValidationException', /less than or equal to 1024/,
		() => send('GenerateRandom', { NumberOfBytes: 1025 }));
	await fails('GenerateRandom without NumberOfBytes', 'ValidationException', /numberOfBytes/,
		() => send('GenerateRandom', {}));
	await fails('Encrypt with DryRun', 'DryRunOperationException', /DryRun/,
		() => send('Encrypt', { KeyId: key, Plaintext: msg, DryRun: true }));
	await fails('Encrypt with grant tokens', 'InvalidGrantTokenException', /grants/,
		() => send('Encrypt', { KeyId: key, Plaintext: msg, GrantTokens: ['t'] }));
	await fails('CreateKey of an RSA key', 'UnsupportedOperationException', /SYMMETRIC_DEFAULT/,
		() => send('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }));
	await fails('CreateKey multi-Region', 'UnsupportedOperationException', /multi-Region/,
		() => send('CreateKey', { MultiRegion: true }));
	await fails('CreateKey in a custom key store', 'UnsupportedOperationException', /custom key store/,
		() => send('CreateKey', { CustomKeyStoreId: 'cks-1234567890abcdef0' }));
	await fails('CreateKey with a policy that is not JSON', 'MalformedPolicyDocumentException', /not JSON/,
		() => send('CreateKey', { Policy: '{"Statement": [' }));
	await fails('CreateKey with NotAction', 'MalformedPolicyDocumentException', /NotAction is not supported/,
		() => send('CreateKey', { Policy: policy([{ Effect: 'Allow', Principal: '*', NotAction: 'kms:Decrypt', Resource: '*' }]) }));
	await fails('CreateKey with a Null condition', 'MalformedPolicyDocumentException', /"Null" is not supported/,
		() => send('CreateKey', { Policy: policy([admin, { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { Null: { 'kms:RecipientAttestation:PCR0': 'true' } } }]) }));

	// ---- Recipient ----
	const pk = await send('CreateKey', { Description: 'enclave key', Policy: policy([admin, enclave(pcr0.toUpperCase())]) });
	const ek = pk.KeyMetadata.KeyId;
	await fails('PutKeyPolicy that would lock the caller out', 'MalformedPolicyDocumentException', /update the key policy/,
		() => send('PutKeyPolicy', { KeyId: ek, PolicyName: 'default', Policy: policy([enclave(pcr0)]) }));
	await t('PutKeyPolicy then GetKeyPolicy returns it verbatim', async () => {
		const p = policy([admin, enclave(pcr0)]);
		await send('PutKeyPolicy', { KeyId: ek, PolicyName: 'default', Policy: p });
		return (await send('GetKeyPolicy', { KeyId: ek })).Policy === p;
	});
	let dataKey, dataBlob;
	await t('GenerateDataKey with Recipient: CiphertextForRecipient in KMS\'s shape, no Plaintext; openssl cms -decrypt opens it', async () => {
		const g = await send('GenerateDataKey', { KeyId: ek, KeySpec: 'AES_256', Recipient: recipient('ok') });
		dataBlob = g.CiphertextBlob;
		const env = Buffer.from(g.CiphertextForRecipient);
		dataKey = openEnvelope(env);
		return (!g.Plaintext || g.Plaintext.length === 0) && kmsShape(env) &&
			dataKey.length === 32 && g.CiphertextBlob.length > 32;
	});
	await fails('Decrypt of that data key without Recipient (the policy wants one)', 'AccessDeniedException',
		/requires a Recipient/, () => send('Decrypt', { CiphertextBlob: dataBlob }));
	await t('Decrypt with Recipient: the envelope holds the same data key', async () => {
		const d = await send('Decrypt', { CiphertextBlob: dataBlob, Recipient: recipient('ok') });
		return (!d.Plaintext || d.Plaintext.length === 0) && d.KeyId.endsWith(ek) &&
			openEnvelope(Buffer.from(d.CiphertextForRecipient)).equals(dataKey);
	});
	await t('GenerateRandom with Recipient', async () => {
		const r = await send('GenerateRandom', { NumberOfBytes: 48, Recipient: recipient('ok') });
		return (!r.Plaintext || r.Plaintext.length === 0) &&
			openEnvelope(Buffer.from(r.CiphertextForRecipient)).length === 48;
	});
	await t('Decrypt with Recipient of a blob made by Encrypt', async () => {
		const e = await send('Encrypt', { KeyId: ek, Plaintext: msg });
		const d = await send('Decrypt', { CiphertextBlob: e.CiphertextBlob, Recipient: recipient('ok') });
		return td.decode(openEnvelope(Buffer.from(d.CiphertextForRecipient))) === td.decode(msg);
	});
	await fails('Recipient with another PCR0 (a debug enclave)', 'AccessDeniedException', /PCR0 is 0{96}/,
		() => send('Decrypt', { CiphertextBlob: dataBlob, Recipient: recipient('debug') }));
	await fails('Recipient document too old', 'AccessDeniedException', /policy\.max_age/,
		() => send('Decrypt', { CiphertextBlob: dataBlob, Recipient: recipient('stale') }));
	await fails('Recipient document under an untrusted root', 'AccessDeniedException', /chain\.trusted_root/,
		() => send('Decrypt', { CiphertextBlob: dataBlob, Recipient: recipient('untrusted') }));
	await fails('Recipient document with a tampered signature', 'AccessDeniedException', /cose\.signature/,
		() => send('Decrypt', { CiphertextBlob: dataBlob, Recipient: recipient('tampered') }));
	await fails('Recipient document without public_key', 'ValidationException', /no public_key/,
		() => send('GenerateRandom', { NumberOfBytes: 8, Recipient: recipient('nokey') }));
	await fails('Recipient document with an EC public key', 'ValidationException', /RSA-2048/,
		() => send('GenerateRandom', { NumberOfBytes: 8, Recipient: recipient('ec') }));
	await fails('Recipient document with an RSA-3072 key', 'ValidationException', /RSA-3072/,
		() => send('GenerateRandom', { NumberOfBytes: 8, Recipient: recipient('rsa3072') }));
	await fails('Recipient with RSAES_OAEP_SHA_1', 'ValidationException', /RSAES_OAEP_SHA_256/,
		() => send('GenerateRandom', { NumberOfBytes: 8, Recipient: recipient('ok', 'RSAES_OAEP_SHA_1') }));
	await fails('Recipient that is not a document', 'ValidationException', /not an attestation document/,
		() => send('GenerateRandom', { NumberOfBytes: 8, Recipient: { KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', AttestationDocument: te.encode('hello') } }));
	await fails('Recipient on a key with a Deny for that PCR0', 'AccessDeniedException', /explicit deny/, async () => {
		const k = (await send('CreateKey', { Policy: policy([admin, enclave(pcr0),
			{ Sid: 'deny', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*',
				Condition: { StringEquals: { 'kms:RecipientAttestation:PCR0': pcr0 } } }]) })).KeyMetadata.KeyId;
		const b = (await send('Encrypt', { KeyId: k, Plaintext: msg })).CiphertextBlob;
		return send('Decrypt', { CiphertextBlob: b, Recipient: recipient('ok') });
	});
	await t('BypassPolicyLockoutSafetyCheck stores a policy that locks the caller out', async () => {
		const k = (await send('CreateKey', { Policy: policy([enclave(pcr0)]), BypassPolicyLockoutSafetyCheck: true })).KeyMetadata.KeyId;
		try {
			await send('GetKeyPolicy', { KeyId: k });
			return false;
		} catch (e) {
			return e.name === 'AccessDeniedException' && /kms:GetKeyPolicy/.test(e.message);
		}
	});

	console.log(`1..${n}`);
	process.exit(failed ? 1 : 0);
})().catch((e) => {
	diag(`fatal: ${e.stack}`);
	console.log(`1..${n + 1}`);
	console.log(`not ok ${n + 1} - the test script ran to the end`);
	process.exit(1);
});
