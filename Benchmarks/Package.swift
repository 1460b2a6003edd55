// swift-tools-version:6.0
import PackageDescription

// Benchmarks live in their own package so that comparison-only dependencies never enter the
// library's dependency graph. Run: swift run -c release --package-path Benchmarks RealPoolBenchmarks
let package = Package(
    name: "RealPoolBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // named, so that the products below resolve whatever the checkout's directory is called
        .package(name: "RealPool", path: ".."),
        // comparison only: never a dependency of the library
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "RealPoolBenchmarks",
            dependencies: [
                .product(name: "RealPool", package: "RealPool"),
                .product(name: "EmbeddedPostgres", package: "RealPool"),
            ]
        ),
        .executableTarget(
            name: "PeerComparison",
            dependencies: [
                .product(name: "RealPool", package: "RealPool"),
                .product(name: "EmbeddedPostgres", package: "RealPool"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
