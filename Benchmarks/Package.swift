// swift-tools-version:6.0
import PackageDescription

// Benchmarks live in their own package so that comparison-only dependencies never enter the
// library's dependency graph. Run: swift run -c release --package-path Benchmarks RealPoolBenchmarks
let package = Package(
    name: "RealPoolBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "RealPoolBenchmarks",
            dependencies: [
                .product(name: "RealPool", package: "main"),
                .product(name: "EmbeddedPostgres", package: "main"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
