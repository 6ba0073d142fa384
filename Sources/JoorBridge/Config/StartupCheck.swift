import Foundation
import Mapping

extension BridgeConfig {
    /// What `run` checks when it starts, checked without running: the token file (readable, private
    /// to its owner), the SFTP key files, that every local folder and the state store's folder
    /// exist or can be created and are writable. `check` reports these, so a config that passes
    /// `check` does not then stop `run` as invalid.
    ///
    /// Secrets that come from the environment are only warned about when missing: the environment
    /// `check` runs in is often not the one the timer or service runs in.
    /// - Returns: problems that would make `run` end as invalid config, and warnings.
    public func startupProblems(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (errors: [MappingError], warnings: [MappingError]) {
        var errors: [MappingError] = []
        var warnings: [MappingError] = []
        func warn(_ message: String) { warnings.append(MappingError(path: path, message: message, isWarning: true)) }
        do { _ = try loadToken(environment: environment) } catch {
            if error.isMissingEnvironmentSecret {
                warn("\(error.problems[0].message) — run needs it in its environment")
            } else {
                errors += error.problems
            }
        }
        if joor.productsAPI == .v4, products?.enabled == true {
            do { _ = try loadV4Credentials(environment: environment) } catch {
                warn("\(error.problems[0].message) — run needs them in its environment")
            }
        }
        for url in [folders.remoteInbox, folders.remoteOutbox].compactMap({ $0 }) {
            do { _ = try sftpLocation(url, environment: environment) } catch {
                if error.isMissingEnvironmentSecret {
                    warn("\(error.problems[0].message) — run needs it in its environment")
                } else {
                    errors += error.problems
                }
            }
        }
        var local = [
            ("folders.processing", folders.processing), ("folders.archive", folders.archive), ("folders.error", folders.error),
            ("the state store's folder", URL(fileURLWithPath: statePath).deletingLastPathComponent().path),
        ]
        if folders.remoteInbox == nil || inventory != nil || products != nil { local.append(("folders.inbox", folders.inbox)) }
        if orders != nil { local.append(("folders.outbox", folders.outbox)) }
        for route in orders?.routes ?? [] { if let outbox = route.outbox { local.append(("orders.routes \(route.name) outbox", outbox)) } }
        for (what, folder) in local {
            if let problem = Self.folderProblem(folder) { errors.append(MappingError(path: path, message: "\(what) \(folder): \(problem)")) }
        }
        return (errors, warnings)
    }

    /// Why a folder cannot be used: not there and not creatable, not a folder, or not writable.
    static func folderProblem(_ folder: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { return "is a file, not a folder" }
            return FileSystem.isWritableFolder(folder) ? nil : "is not writable by this user; fix its owner or mode"
        }
        // Not there yet: run creates it, if its nearest existing parent is writable.
        var parent = URL(fileURLWithPath: folder).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: parent.path), parent.path != "/" { parent.deleteLastPathComponent() }
        return FileSystem.isWritableFolder(parent.path) ? nil : "does not exist, and \(parent.path) is not writable to create it"
    }
}
