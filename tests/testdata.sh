# SPDX-License-Identifier: GPL-2.0
# Sourced by the shell test suites: where the third-party test data is.
#
# The real AWS documents and other projects' test-CA documents are other
# people's data and are never committed: tests read them from the
# directory $NSM_TESTDATA names, else from ../shared/testdata beside the
# repository. td_find sets TD to that directory (absolute), or to "" when
# there is none: the tests that need it are then skipped, each printed as
# "ok N - name # SKIP $TD_SKIP", and everything else still runs. A
# NSM_TESTDATA that names no test data is an error, not a skip.
#
#   TOP=<repository> . tests/testdata.sh && td_find || exit 1

TD_SKIP="no third-party test data"

td_find() {
	if [ -n "${NSM_TESTDATA:-}" ]; then
		if [ ! -d "$NSM_TESTDATA/aws" ]; then
			echo "Bail out! NSM_TESTDATA=$NSM_TESTDATA has no aws/ directory"
			return 1
		fi
		TD=$(cd "$NSM_TESTDATA" && pwd)
	elif [ -d "$TOP/../shared/testdata/aws" ]; then
		TD=$(cd "$TOP/../shared/testdata" && pwd)
	else
		TD=
	fi
	return 0
}

# The 16 real AWS documents of testdata/aws, by name (without .cbor): the
# tests that take one each are skipped by these names when the data is
# missing, and fail when the data is there but a document is not.
AWS_DOC_NAMES="base_hinted_2026 base_nitrovalidator_2024 blocky_2024_debug
blocky_2024_prod eternis_example_2024 evervault_beta_cert_debug
evervault_beta_cert_nondebug evervault_beta_debug evervault_beta_valid
evervault_ga_valid marlin_sdk_aws marlin_sdk_aws_pcr16
marlin_verifier_attestation nitrite_brave_2021 signal_svr2_valid_bytes
signal_svr2_valid_bytes2"
