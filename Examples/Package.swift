// swift-tools-version:6.1
import PackageDescription

// The examples live in their own package so that Hummingbird, SwiftNIO and swift-prometheus never
// enter the library's dependency graph: `swift build` and `swift test` at the root stay light.
// Run: swift run --package-path Examples TodoService   (or BatchJob)
let package = Package(
    name: "RealPoolExamples",
    platforms: [.macOS(.v15)],
    dependencies: [
        // named, so that the products below resolve whatever the checkout's directory is called
        .package(name: "RealPool", path: ".."),
        // traits: [] leaves out swift-configuration support, which the examples do not use
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "TodoService",
            dependencies: [
                .product(name: "RealPool", package: "RealPool"),
                .product(name: "EmbeddedPostgres", package: "RealPool"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "BatchJob",
            dependencies: [
                .product(name: "RealPool", package: "RealPool"),
                .product(name: "EmbeddedPostgres", package: "RealPool"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
