import JoorSandbox

/// A small deterministic random generator, so property tests are reproducible: the sandbox's
/// SplitMix64, the one generator the sandbox's seeded orders, the benchmark files and the tests use.
public typealias SeededGenerator = SplitMix
