import Foundation

/// A fresh directory under the system temp folder, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "joorbridge-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` inside the directory and returns the full path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let target = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target)
        return target.path
    }

    /// Writes `text` as UTF-8 to `name` inside the directory and returns the full path.
    @discardableResult
    public func write(_ name: String, text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// The full path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

extension TemporaryDirectory {
    /// Copies shipped mapping files from the repository's `mappings/` into `mappings/` here.
    /// Makes `mappings/products-csv.yml` (copied first) fit for `joor.api: v4`: without its
    /// linesheet fields (season, year, delivery name), which v4 cannot send and so refuses.
    public func fitProductsMappingForV4() throws {
        let shipped = try String(contentsOfFile: path("mappings/products-csv.yml"), encoding: .utf8)
        let lines = shipped.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("Season") && !$0.contains("Year") }
        try write("mappings/products-csv.yml", text: lines.joined(separator: "\n"))
    }

    public func copyMappings(_ names: [String]) throws {
        try FileManager.default.createDirectory(atPath: path("mappings"), withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(
                atPath: Fixtures.repositoryRoot.appendingPathComponent("mappings/\(name)").path, toPath: path("mappings/\(name)"))
        }
    }
}
