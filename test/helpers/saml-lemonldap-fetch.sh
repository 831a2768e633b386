#!/bin/sh
# Unpacks Debian's LemonLDAP::NG portal (a real SAML IdP) and its Perl dependencies into a
# directory, without root and without touching the system's packages, for
# the LemonLDAP::NG block of test/integration/saml/idp-forms.test.ts:
#
#   test/helpers/saml-lemonldap-fetch.sh /tmp/llng-root
#   AWSBLOG_LLNG_ROOT=/tmp/llng-root npx vitest run test/integration/saml/idp-forms.test.ts
#
# Debian 12 (bookworm) packages; perl itself comes from the system (same 5.36 ABI).
set -eu
dest=${1:?usage: $0 <directory>}
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wanted="liblemonldap-ng-portal-perl liblasso-perl libplack-perl libxml-simple-perl libio-string-perl
  libstring-random-perl libjson-perl libunicode-string-perl libconvert-base32-perl libipc-run-perl
  libmime-tools-perl libemail-sender-perl libio-socket-timeout-perl libnet-ldap-perl libdbi-perl
  libapache-session-browseable-perl libglib-perl libdigest-hmac-perl libcrypt-urandom-perl"
# Everything apt would install for these, minus perl itself.
pkgs=$(apt-get install -s --no-install-recommends $wanted 2>/dev/null | awk '/^Inst /{print $2}' |
  grep -vE '^(perl|perl-base|libperl5\.36|perl-modules-5\.36)$')
cd "$work"
apt-get download $pkgs >/dev/null 2>&1 || apt-get download $pkgs
for deb in *.deb; do dpkg -x "$deb" "$dest"; done
echo "LemonLDAP::NG unpacked into $dest ($(ls *.deb | wc -l) packages)"
