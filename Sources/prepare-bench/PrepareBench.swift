import ArgumentParser

@main
struct PrepareBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare-bench",
        abstract: "Measures plain vs prepared throughput and the release-ASAP effect on a real PostgreSQL."
    )
}
