#!/usr/bin/perl
# tests/linesrv.pl - a line server for the socket source's tests, standing
# in for `nc -lk PORT` (which the test machines may not have):
#
#   perl tests/linesrv.pl [--hold FILE] PORTFILE < lines
#
# Listens on 127.0.0.1 on a free port (never a fixed one: tests run in
# parallel), writes the port to PORTFILE (atomically, so a test can wait
# for the file), accepts one client and sends it standard input line by
# line as the lines come, unbuffered. At the end of input it closes the
# connection and exits; with --hold FILE it first waits until FILE exists,
# so a test decides when the stream ends.
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(IPPROTO_TCP TCP_NODELAY);

my $hold;
if (@ARGV && $ARGV[0] eq '--hold') {
	shift @ARGV;
	$hold = shift @ARGV;
}
die "usage: linesrv.pl [--hold FILE] PORTFILE\n" unless @ARGV == 1;
my $portfile = $ARGV[0];

my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
    Proto => 'tcp', Listen => 1, ReuseAddr => 1)
    or die "linesrv: cannot listen: $!\n";
open(my $pf, '>', "$portfile.tmp") or die "linesrv: $portfile.tmp: $!\n";
print $pf $srv->sockport(), "\n";
close($pf);
rename("$portfile.tmp", $portfile) or die "linesrv: $portfile: $!\n";

$SIG{PIPE} = 'IGNORE';
my $c = $srv->accept() or die "linesrv: accept: $!\n";
$c->autoflush(1);
# Each line leaves at once (no Nagle delay), as a line typed into nc does.
setsockopt($c, IPPROTO_TCP, TCP_NODELAY, 1);
while (my $line = <STDIN>) {
	print $c $line or last;
}
if (defined $hold) {
	select(undef, undef, undef, 0.02) until -e $hold;
}
close($c);
