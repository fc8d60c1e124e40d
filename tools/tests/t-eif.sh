# SPDX-License-Identifier: GPL-2.0
# eif describe: enclave images made by libnsm's test writer (always; their
# measurements computed by the writer on its own), AWS's vectors of
# $TD/eif (skipped by name without the test data), error exits, and the
# same under ASan/UBSan.

E=$T/eif
mkeif=$(dirname "$OUT")/lib/t/mkeif
mkdir -p $E
if make -s --no-print-directory -C "$TOP/lib" BUILD="$(dirname "$OUT")" "$mkeif" >&2 &&
   "$mkeif" $E; then
	ok "the test writer made the images"
else
	not_ok "the test writer made the images" "make -C lib $mkeif failed"
fi
# "PCR<n> <hex>" lines of NAME.expected as a Python dict literal
pcrs() {
	sed 's/^\(PCR[0-9]*\) \(.*\)$/"\1": "\2",/' "$E/$1.expected" | tr -d '\n' |
		sed 's/^/{/; s/,$/}/'
}
empty=21b9efbc184807662e966d34f390821309eeac6802309798826296bf3e8bec7c10edb30948c90ba67310f7b964fc500a

expect "eif describe: an unsigned image" 0 $N eif describe $E/unsigned.eif
check "text: PCR0-2 as the writer computed them, no PCR8" \
	"grep -qx \"  PCR0: \$(sed -n 's/^PCR0 //p' $E/unsigned.expected)\" $T/out &&
	 grep -qx \"  PCR2: \$(sed -n 's/^PCR2 //p' $E/unsigned.expected)\" $T/out &&
	 ! grep -q PCR8 $T/out && grep -qx 'status:          ok' $T/out"
expect "eif describe --json: an unsigned image" 0 $N eif describe --json $E/unsigned.eif
json_ok "unsigned --json: nitro-cli's fields" "
{k: v for k, v in d['Measurements'].items() if k != 'HashAlgorithm'} == $(pcrs unsigned)
and d['Measurements']['HashAlgorithm'] == 'Sha384 { ... }'
and d['EifVersion'] == 4 and d['IsSigned'] is False and 'SignatureCheck' not in d
and 'SigningCertificate' not in d and d['CheckCRC'] is True
and d['HeaderCrc32'] == d['ComputedCrc32'] and len(d['HeaderCrc32']) == 8
and d['ImageName'] == 'hello' and d['ImageVersion'] == '2.1'
and d['Metadata']['BuildMetadata']['BuildTool'] == 'mkeif'
and d['Metadata']['CustomMetadata'] is None and d['Metadata']['DockerInfo'] is None
and d['Arch'] == 'x86_64' and d['Flags'] == 0
and d['DefaultMemory'] == 1073741824 and d['DefaultCpus'] == 2
and d['NumSections'] == 5 and d['SectionOffsets'][0] == 548
and d['SectionTypes'] == ['kernel', 'cmdline', 'metadata', 'ramdisk', 'ramdisk']
and d['SectionSizes'][0] == 5000 and d['Status'] == 'ok'
and d['Cmdline'].startswith('console=ttyS0')"
expect "eif --json describe (the option before the subcommand)" 0 $N eif --json describe $E/signed.eif
json_ok "signed --json: PCR8, signing certificate, signature check" "
{k: v for k, v in d['Measurements'].items() if k != 'HashAlgorithm'} == $(pcrs signed)
and d['IsSigned'] is True and d['SignatureCheck'] is True
and d['PcrSignatureChecker.verify'] == 'ok'
and d['SigningCertificate']['IssuerName'] == {'commonName': 'mkeif test signer',
    'countryName': 'US', 'organizationName': 'nsm-emu tests'}
and d['SigningCertificate']['Algorithm'] == 'ecdsa-with-SHA384'
and d['SigningCertificate']['NotBefore'].endswith('GMT')
and all(len(x) == 2 for x in d['SigningCertificate']['Signature'].split(':'))
and d['SectionTypes'][-1] == 'signature' and d['Status'] == 'ok'"
check "signed: the certificate's signature as openssl prints it" \
	"openssl x509 -in $E/signer.pem -noout -text | sed -n '/Signature Value/,\$p' |
	 tail -n +2 | tr -d ' \n' | tr a-f A-F > $T/sig.txt &&
	 python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"SigningCertificate\"][\"Signature\"].replace(\":\", \"\"))' $T/out |
	 tr -d '\n' | cmp -s - <(tr -d ':' < $T/sig.txt)"
expect "eif describe: one ramdisk" 0 $N eif describe --json $E/one.eif
json_ok "one ramdisk: PCR0 = PCR1, PCR2 = the extend of empty data" "
{k: v for k, v in d['Measurements'].items() if k != 'HashAlgorithm'} == $(pcrs one)
and d['Measurements']['PCR0'] == d['Measurements']['PCR1']
and d['Measurements']['PCR2'] == '$empty' and d['NumSections'] == 4"
expect "eif describe: eight ramdisks" 0 $N eif describe --json $E/eight.eif
json_ok "eight ramdisks: 11 sections, the writer's PCRs" "
{k: v for k, v in d['Measurements'].items() if k != 'HashAlgorithm'} == $(pcrs eight)
and d['NumSections'] == 11 and d['SectionTypes'].count('ramdisk') == 8"
expect "eif describe: aarch64 with custom metadata" 0 $N eif describe --json $E/aarch64.eif
json_ok "aarch64: Arch, Flags, CustomMetadata as JSON; PCRs as the x86_64 image's" "
d['Arch'] == 'aarch64' and d['Flags'] == 1
and d['Metadata']['CustomMetadata'] == {'team': 'enclaves', 'build': 42, 'ratio': 0.5,
    'tags': ['a', 'b'], 'ok': True}
and {k: v for k, v in d['Measurements'].items() if k != 'HashAlgorithm'} == $(pcrs unsigned)"
expect "eif describe: text of custom metadata" 0 $N eif describe $E/aarch64.eif
check "text: nested metadata, one value a line" \
	"grep -qx '    team: enclaves' $T/out && grep -qx '    ratio: 0.5' $T/out &&
	 grep -qx '      - a' $T/out && grep -qx 'architecture:    aarch64' $T/out"

expect "eif describe: metadata nested 30 levels deep" 0 $N eif describe --json $E/deep.eif
json_ok "deep metadata: the value kept whole" "
eval('d[\'Metadata\'][\'CustomMetadata\']' + '[0]' * 30) == 7"
expect "eif describe: deep metadata as text" 0 $N eif describe $E/deep.eif

# images that fail a check: shown, exit 1
expect "eif describe: a bad CRC exits 1" 1 $N eif describe --json $E/bad-crc.eif
json_ok "bad CRC: CheckCRC false, both CRCs shown, status eif.crc" "
d['CheckCRC'] is False and d['HeaderCrc32'] != d['ComputedCrc32']
and d['Status'] == 'eif.crc'"
check "bad CRC: said on stderr" "grep -q 'CRC-32 mismatch' $T/err"
expect "eif describe: a signature over another PCR0 exits 1" 1 $N eif describe --json $E/bad-sig.eif
json_ok "bad signature: SignatureCheck false, status eif.signature_pcr0" "
d['SignatureCheck'] is False and d['IsSigned'] is True and d['CheckCRC'] is True
and d['Status'] == 'eif.signature_pcr0' and 'PCR8' in d['Measurements']"

# images that are not well-formed, and other trouble
expect "eif describe: a truncated image exits 4" 4 $N eif describe $E/truncated.eif
check "truncated: the error names eif.truncated and the offset" \
	"grep -q 'eif.truncated' $T/err && grep -q 'at byte' $T/err && [ ! -s $T/out ]"
expect "eif describe: a document is not an EIF" 4 $N eif describe $EMU/doc.cbor
check "not an EIF: eif.magic" "grep -q 'eif.magic' $T/err"
: > $T/empty.eif
expect "eif describe: an empty file" 4 $N eif describe $T/empty.eif
expect "eif describe: a missing file exits 3" 3 $N eif describe $T/nope.eif
expect "eif describe: a directory exits 3" 3 $N eif describe $E
expect "eif describe: from stdin" 0 sh -c "$N eif describe --json - < $E/signed.eif"
expect "eif describe: a truncated stream" 4 sh -c "cat $E/truncated.eif | $N eif describe -"
expect "eif: no subcommand" 2 $N eif
expect "eif: unknown subcommand" 2 $N eif frobnicate x.eif
expect "eif describe: no file" 2 $N eif describe
expect "eif describe: two files" 2 $N eif describe $E/one.eif $E/eight.eif
expect "eif: unknown option" 2 $N eif describe --bogus $E/one.eif
expect "eif -h" 0 $N eif -h
check "eif -h shows the usage" "grep -q 'usage: nsmctl eif describe' $T/out"

# an image as the expected measurements of diff and verify
expect "diff --expected IMAGE against a document" 1 $N diff --json --expected $E/signed.eif $EMU/doc.cbor
json_ok "diff --expected IMAGE: PCR0, 1, 2 and 8 compared" "
d['compared'] == 4 and d['inputs'][0]['label'] == 'E'"
expect "diff --expected with a corrupt image exits 4" 4 $N diff --expected $E/bad-crc.eif $EMU/doc.cbor
check "the corrupt image's status is named" "grep -q 'eif.crc' $T/err"
expect "verify --expected IMAGE fails on other PCRs" 1 \
	$N verify --time doc --root $EMU/doc.root.pem --expected $E/unsigned.eif $EMU/doc.cbor

# AWS's vectors: every field of AWS's reader output, byte for byte
vec_td=$TD
if [ -n "$TD" ] && [ ! -d "$TD/eif" ]; then
	TD=
fi
td_begin
for v in unsigned signed single_ramdisk; do
	expect "vector $v: eif describe --json" 0 $N eif describe --json $TD/eif/$v.eif
	json_ok "vector $v: every field of AWS's reader output equal" "
all(d.get(k) == v for k, v in __import__('json').load(open('$TD/eif/$v.describe.json')).items())"
	json_ok "vector $v: the measurements eif_build printed" "
all(d['Measurements'].get(k) == v for k, v in __import__('json').load(open('$TD/eif/$v.measurements.json')).items())"
done
td_end
TD=$vec_td

if [ -n "$NSMCTL_ASAN" ] && [ -x "$NSMCTL_ASAN" ]; then
	for f in unsigned signed one eight aarch64 deep; do
		expect "asan: eif describe --json $f" 0 $NSMCTL_ASAN eif describe --json $E/$f.eif
	done
	expect "asan: eif describe text signed" 0 $NSMCTL_ASAN eif describe $E/signed.eif
	expect "asan: eif describe bad CRC" 1 $NSMCTL_ASAN eif describe $E/bad-crc.eif
	expect "asan: eif describe bad signature" 1 $NSMCTL_ASAN eif describe --json $E/bad-sig.eif
	expect "asan: eif describe truncated" 4 $NSMCTL_ASAN eif describe $E/truncated.eif
	expect "asan: eif describe a document" 4 $NSMCTL_ASAN eif describe $EMU/doc.cbor
else
	skip "asan: eif describe" "no ASan build"
fi

check "man page nsmctl-eif built" "grep -q '^\\.TH' $OUT/man/nsmctl-eif.1"
if command -v groff >/dev/null; then
	check "man page nsmctl-eif renders cleanly" \
		"[ -z \"\$(MANWIDTH=80 groff -man -Tutf8 -ww -z $OUT/man/nsmctl-eif.1 2>&1)\" ]"
else
	skip "man page nsmctl-eif renders cleanly" "groff not installed"
fi

# emu create/set --eif: an emulated enclave that boots with an image's
# measurements, against a fake configfs (see t-emu.sh).
if [ -z "$FAKE_CONFIGFS" ] || [ ! -e "$FAKE_CONFIGFS" ]; then
	skip "emu --eif against a fake configfs" "FAKE_CONFIGFS not built"
else
	FC=$T/eif-configfs/nsm_emu
	mkdir -p $FC/instances $FC/pki $T/eif-sysfs
	FE="env NSMCTL_CONFIGFS=$FC NSMCTL_SYSFS=$T/eif-sysfs LD_PRELOAD=$FAKE_CONFIGFS $N"
	exp() { sed -n "s/^PCR$2 //p" $E/$1.expected; }
	zero96=$(printf '0%.0s' $(seq 96))

	expect "emu create --eif: a signed image" 0 $FE emu create img --eif $E/signed.eif
	check "create --eif: pcr0, 1, 2 and 8 are the image's" \
		"[ \"\$(cat $FC/instances/img/pcr0)\" = \"\$(exp signed 0)\" ] &&
		 [ \"\$(cat $FC/instances/img/pcr1)\" = \"\$(exp signed 1)\" ] &&
		 [ \"\$(cat $FC/instances/img/pcr2)\" = \"\$(exp signed 2)\" ] &&
		 [ \"\$(cat $FC/instances/img/pcr8)\" = \"\$(exp signed 8)\" ] &&
		 [ -n \"\$(exp signed 8)\" ] && [ \"\$(cat $FC/instances/img/enable)\" = 1 ]"
	expect "emu create --eif, then --pcr 0=: the later option wins" 0 \
		$FE emu create img2 --eif $E/unsigned.eif --pcr 0=$zero96
	check "create --eif --pcr: PCR0 from --pcr, PCR1 from the image, PCR8 zero (unsigned)" \
		"[ \"\$(cat $FC/instances/img2/pcr0)\" = $zero96 ] &&
		 [ \"\$(cat $FC/instances/img2/pcr1)\" = \"\$(exp unsigned 1)\" ] &&
		 [ \"\$(cat $FC/instances/img2/pcr8)\" = $zero96 ]"
	expect "emu set NAME --eif: another image" 0 $FE emu set img --eif $E/one.eif
	check "set --eif: the one-ramdisk image's PCR2, PCR8 back to zero, and a reset" \
		"[ \"\$(cat $FC/instances/img/pcr2)\" = \"\$(exp one 2)\" ] &&
		 [ \"\$(cat $FC/instances/img/pcr8)\" = $zero96 ] &&
		 [ \"\$(cat $FC/instances/img/reset)\" = 1 ]"
	expect "emu create --eif of an image with a bad signature" 4 $FE emu create bad --eif $E/bad-sig.eif
	check "a refused image leaves no instance" "[ ! -e $FC/instances/bad ]"
	expect "emu create --eif of a truncated image" 4 $FE emu create bad --eif $E/truncated.eif
	expect "emu create --eif of a missing file" 3 $FE emu create bad --eif $T/no-such.eif
	expect "emu set NAME --eif without a file" 2 $FE emu set img --eif
fi
