#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Expand the examples of Documentation/nsmctl.rst from the real tool.

    gen-examples.py TEMPLATE > Documentation/nsmctl.rst

Every line ".. run:: [fake] [cwd=DIR] COMMAND" of TEMPLATE becomes a
literal block with "$ COMMAND" and what the command printed (stdout and
stderr interleaved), run by bash in ../shared/testdata (or DIR) with
"nsmctl" on PATH: build/tools/nsmctl, or with "fake" the fake-device build
(build/tools/fake/nsmctl, NSM_DEVICE=/dev/null), whose device is the
emulator's portable core in-process. `make -C tools doc` runs this.
"""
import os
import re
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.abspath(os.path.join(here, '..', '..'))
build = os.environ.get('BUILD', os.path.join(top, 'build'))
testdata = os.path.abspath(os.path.join(top, '..', 'shared', 'testdata'))
bins = {
    False: os.path.join(build, 'tools', 'nsmctl'),
    True: os.path.join(build, 'tools', 'fake', 'nsmctl'),
}


def main():
    tpl = open(sys.argv[1]).read()
    env = dict(os.environ, LC_ALL='C')
    for k in ('NSM_DEVICE', 'NSM_TEST_TIME_MS', 'NSMCTL_SYSFS'):
        env.pop(k, None)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for fake, binary in bins.items():
            d = os.path.join(tmp, 'fake' if fake else 'real')
            os.mkdir(d)
            os.symlink(binary, os.path.join(d, 'nsmctl'))
            paths[fake] = d

        def run(m):
            indent, spec = m.group(1), m.group(2)
            fake = spec.startswith('fake ')
            if fake:
                spec = spec[5:]
            cwd = testdata
            mm = re.match(r'cwd=(\S+) (.*)', spec)
            if mm:
                cwd, spec = mm.group(1), mm.group(2)
            e = dict(env, PATH=paths[fake] + ':' + env['PATH'])
            if fake:
                e['NSM_DEVICE'] = '/dev/null'
            r = subprocess.run(['bash', '-c', spec], cwd=cwd, env=e,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            lines = [indent + '    $ ' + spec]
            for line in r.stdout.rstrip('\n').split('\n') if r.stdout else []:
                lines.append(indent + '    ' + line if line else '')
            return indent + '::\n\n' + '\n'.join(lines)

        sys.stdout.write(re.sub(r'^( *)\.\. run:: (.*)$', run, tpl,
                                flags=re.M))


if __name__ == '__main__':
    main()
