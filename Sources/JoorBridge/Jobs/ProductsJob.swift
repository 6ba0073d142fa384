import FileFormats
import Foundation
import JoorAPI
import JoorModels
import Logging
import Mapping

/// Product detail sync: flat SKU rows from product exports are grouped into styles and created or
/// updated in JOOR — through v2 bulk-style jobs or the v4 product API, as configured — sending only
/// styles whose content changed since their last successful push.
public struct ProductsJob: Sendable {
    public struct Report: Sendable, Codable, Equatable {
        public var filesArchived = 0
        public var filesDuplicate = 0
        public var filesFailed = 0
        public var filesQuarantined = 0
        public var filesWaiting: [String] = []
        /// Records read (rows, or the size cells of size-grid rows), re-sent duplicates not counted.
        public var rowsRead = 0
        public var rowsRejected = 0
        public var stylesSent = 0
        public var stylesUnchanged = 0
        /// Styles JOOR refused, with its reason.
        public var stylesRefused: [String: String] = [:]
        public var requests = 0
        public var rejectFiles: [String] = []
    }

    public let settings: ProductsSettings
    /// `v2` (bulk-style jobs) or `v4` (products, SKUs, prices).
    public let api: String
    let client: JoorClient
    let ledger: Ledger
    let inbox: Inbox
    let mapping: InboundMapping
    let logger: Logger

    public init(settings: ProductsSettings, api: String, folders: BridgeConfig.Folders, client: JoorClient, ledger: Ledger, logger: Logger) throws {
        self.settings = settings
        self.api = api
        self.client = client
        self.ledger = ledger
        self.logger = logger
        inbox = try Inbox(inbox: folders.inbox, processing: folders.processing, archive: folders.archive, error: folders.error, settings: settings.inbox)
        mapping = try InboxFiles.mapping(settings.mapping, kind: .products, job: "products")
    }

    /// The SFTP inbox, when the inbox is remote (set by the session).
    var remote: RemoteInbox?

    var files: InboxFiles { InboxFiles(inbox: inbox, ledger: ledger, job: "products", maxAttempts: settings.maxAttempts, logger: logger, remote: remote) }

    /// Pushes every ready file. With a ``JobControl/stop`` signal, stops after the file in hand
    /// (files claimed but not started wait in `processing/` and go first next run).
    public func run(full: Bool = false, control: JobControl = .init()) async throws -> Report {
        var report = Report()
        let (names, waiting) = try await files.take()
        report.filesWaiting = waiting
        for name in names {
            if control.shouldStop { break }
            try await process(name, full: full || settings.full, control: control, &report)
        }
        return report
    }

    private func process(_ name: String, full: Bool, control: JobControl, _ report: inout Report) async throws {
        guard let fingerprint = try files.fingerprintUnlessPushed(name) else {
            report.filesDuplicate += 1
            return
        }
        let rejects = RejectsFile(folder: inbox.error, name: name)
        func reject(_ rejection: RowRejection) throws {
            if rejects.isEmpty { report.rejectFiles.append(rejects.path) }
            try rejects.write(rejection)
            report.rowsRejected += 1
        }
        // Group the whole file first: rows of one style may be anywhere in it.
        var assembler = StyleAssembler()
        let readable = try files.read(name, fingerprint: fingerprint, mapping: mapping, control: control, rejects: rejects) { result in
            report.rowsRead += 1
            switch result {
            case .skipped: return
            case .rejected(let rejection): try reject(rejection)
            case .converted(let record):
                if case .failure(let conflict) = Result(catching: { () throws(StyleAssembler.Conflict) in try assembler.add(record.productRow, line: record.line) }) {
                    try reject(RowRejection(source: name, line: conflict.line, field: conflict.field, value: record.texts[conflict.field], reason: conflict.message))
                }
            }
        }
        guard readable else {
            report.filesFailed += 1
            return
        }

        let known = try ledger.styleHashes()
        let styles = assembler.build().filter { style in
            if !full && known[style.styleIdentifier] == style.contentHash { report.stylesUnchanged += 1; return false }
            return true
        }
        do {
            for start in stride(from: 0, to: styles.count, by: settings.batchSize) {
                let batch = Array(styles[start..<min(start + settings.batchSize, styles.count)])
                let refused = try await push(batch, &report)
                CrashPoint.hit("products batch accepted, not recorded")
                let accepted = batch.filter { refused[$0.styleIdentifier] == nil }
                try ledger.recordStyles(Dictionary(uniqueKeysWithValues: accepted.map { ($0.styleIdentifier, $0.contentHash) }))
                CrashPoint.hit("products batch recorded")
                report.stylesSent += accepted.count
                for (identifier, reason) in refused.sorted(by: { $0.key < $1.key }) {
                    report.stylesRefused[identifier] = reason
                    try reject(RowRejection(source: name, line: 0, field: "style_number", value: identifier, reason: "JOOR refused the style: \(reason)"))
                }
                try rejects.flush()
            }
        } catch let error as JoorAPIError {
            if try files.joorFailed(name, fingerprint, error) { report.filesQuarantined += 1 }
            throw error
        }
        try files.succeeded(name, fingerprint)
        report.filesArchived += 1
        logger.info("\(name): \(report.stylesSent) style(s) sent, \(report.stylesUnchanged) unchanged; archived")
    }

    /// Sends one batch; returns the styles JOOR refused.
    private func push(_ batch: [Style], _ report: inout Report) async throws(JoorAPIError) -> [String: String] {
        report.requests += 1
        if api == "v4" {
            return try await client.pushStylesV4(batch).failed
        }
        let job = try await client.submitStyles(batch)
        return try await client.waitForStyleJob(job).errors
    }
}
