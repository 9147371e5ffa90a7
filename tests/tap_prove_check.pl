#!/usr/bin/perl
# tap_prove_check.pl: reads a sockcheck TAP report with TAP::Parser, the parser behind Debian 12's prove
# (TAP::Harness 3.44), and checks it against the fixture it was rendered from.
# usage: tap_prove_check.pl REPORT.tap INPUT.json. Exit 0 when right, 1 with the reasons on stderr.
use strict;
use warnings;
use JSON::PP;
use TAP::Parser;

my ($tap_path, $input_path) = @ARGV;
die "usage: $0 REPORT.tap INPUT.json\n" unless defined $input_path;
open my $fh, '<:raw', $input_path or die "$input_path: $!\n";
my $input = decode_json(do { local $/; <$fh> });
close $fh;
open $fh, '<:raw', $tap_path or die "$tap_path: $!\n";
my $text = do { local $/; <$fh> };
close $fh;

# The fixture's results in report order: grouped by suite in order of first appearance.
my (@order, %groups);
for my $r (@{ $input->{results} }) {
    push @order, $r->{suite} unless $groups{ $r->{suite} };
    push @{ $groups{ $r->{suite} } }, $r;
}
my @want = map { @{ $groups{$_} } } @order;

my @problems;
my $parser = TAP::Parser->new({ tap => $text });
my (@tests, $last_test);
while (my $res = $parser->next) {
    if ($res->is_test) {
        push @tests, { test => $res, yaml => undef };
        $last_test = $tests[-1];
    } elsif ($res->is_yaml) {
        if (!$last_test) {
            push @problems, "a YAML block not after a test point";
        } else {
            $last_test->{yaml} = $res->data;
        }
        $last_test = undef;
    } else {
        $last_test = undef;
    }
}
push @problems, "parse error: $_" for $parser->parse_errors;
push @problems, "TAP version " . $parser->version . ", want 13" unless $parser->version == 13;
push @problems, scalar(@tests) . " test points for " . scalar(@want) . " results" unless @tests == @want;
for my $i (0 .. $#tests) {
    last if $i > $#want;
    my ($t, $y, $r) = ($tests[$i]{test}, $tests[$i]{yaml}, $want[$i]);
    my $n = $i + 1;
    my $ok = $r->{verdict} eq 'pass' || $r->{verdict} eq 'skip';
    my $warning = $r->{warning} ? 1 : 0;
    push @problems, "test $n: ok is " . ($t->is_actual_ok ? 1 : 0) . " for verdict $r->{verdict}"
        unless ($t->is_actual_ok ? 1 : 0) == ($ok ? 1 : 0);
    push @problems, "test $n: TODO is " . ($t->has_todo ? 1 : 0) . " for warning $warning"
        unless ($t->has_todo ? 1 : 0) == $warning;
    # What prove counts: a warning passes, a failure fails.
    my $counts_ok = $ok || $warning;
    push @problems, "test $n: prove counts it " . ($t->is_ok ? "ok" : "not ok")
        unless ($t->is_ok ? 1 : 0) == ($counts_ok ? 1 : 0);
    next if $ok;
    if (ref $y ne 'HASH') {
        push @problems, "test $n: no YAML diagnostics read";
        next;
    }
    push @problems, "test $n: YAML verdict " . ($y->{verdict} // 'none') unless ($y->{verdict} // '') eq $r->{verdict};
    push @problems, "test $n: YAML level " . ($y->{level} // 'none')
        unless ($y->{level} // '') eq ($r->{level} // 'must');
    push @problems, "test $n: YAML reproduce differs"
        if defined $r->{reproduce} && ($y->{reproduce} // '') ne $r->{reproduce} && $r->{reproduce} =~ /^[ -~]*$/;
}
print STDERR "$tap_path: $_\n" for @problems;
exit(@problems ? 1 : 0);
