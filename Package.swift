// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sanbao",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sanbao", targets: ["sanbao"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // The domain holds the assignment solver; it is compiled optimised in debug builds too,
        // so that tests, the e2e suite and `swift run` solve the demo city in seconds.
        .target(name: "SanbaoDomain", swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "SanbaoApp", dependencies: [
            "SanbaoDomain",
            .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
            .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            .product(name: "Leaf", package: "leaf"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .executableTarget(name: "sanbao", dependencies: ["SanbaoApp"]),
        .testTarget(name: "SanbaoDomainTests", dependencies: ["SanbaoDomain"]),
        .testTarget(name: "SanbaoAppTests", dependencies: [
            "SanbaoApp",
            .product(name: "VaporTesting", package: "vapor"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], exclude: ["Fixtures"]),   // read from the source tree by PageRenderTests
    ]
)
