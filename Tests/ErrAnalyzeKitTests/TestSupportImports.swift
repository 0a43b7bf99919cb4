// The helpers shared by both test targets (Tests/TestSupport), visible in every unit test file.
@_exported import TestSupport

/// The unit tests' older name for the shared SplitMix64 generator.
typealias TestRandom = SeededGenerator
