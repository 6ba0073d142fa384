import FileFormats
import Foundation
import JoorAPI
import JoorModels
import Logging
import Mapping

/// Product detail sync: flat SKU rows from product exports are grouped into styles and created or
/// updated in JOOR — through v2 bulk-style jobs or the v4 product API, as configured — sending only
/// styles whose content changed since their last successful push.
public struct ProductsJob: InboxJob {
    public typealias Report = InboxJobReport<Counts>

    /// What only the products job counts.
    public struct Counts: InboxJobCounts {
        public var stylesSent = 0
        public var stylesUnchanged = 0
        /// Styles JOOR refused, with its reason.
        public var stylesRefused: [String: String] = [:]
        /// Styles not sent, with why: a row of theirs was rejected, or their `delivery_overwrite`
        /// would take them off every linesheet (``ChangedStyles``).
        public var stylesHeld: [String: String] = [:]
        /// Styles sent whose outcome JOOR's answers did not tell: not recorded as accepted; their
        /// file stays in `processing/` and they are sent again next run.
        public var stylesUnconfirmed: [String] = []
        public var requests = 0

        public init() {}
    }

    public let settings: ProductsSettings
    /// Which JOOR API the styles go through.
    public let api: BridgeConfig.ProductsAPI
    let client: JoorClient
    let ledger: Ledger
    let logger: Logger
    /// The inbox's files; the session adds the SFTP inbox and the other job's patterns.
    var files: InboxFiles

    public init(
        settings: ProductsSettings, api: BridgeConfig.ProductsAPI, folders: BridgeConfig.Folders, client: JoorClient, ledger: Ledger, logger: Logger
    ) throws {
        self.settings = settings
        self.api = api
        self.client = client
        self.ledger = ledger
        self.logger = logger
        files = try InboxFiles(job: .products, kind: .products, settings: settings, folders: folders, ledger: ledger, logger: logger)
        try Self.checkFields(of: files.mapping, at: settings.mapping, api: api)
    }

    /// Refuses a mapping that gives fields `api` does not send (v4 has no place for linesheets or
    /// style attributes but `minimum`): they would be taken for sent, and never reach JOOR. v4
    /// also needs `color_name` with `color_code`: it names a SKU's color by its name.
    public static func checkFields(of mapping: InboundMapping, at path: String, api: BridgeConfig.ProductsAPI) throws(ConfigError) {
        guard api == .v4 else { return }
        let unsent = mapping.fields.filter { V4Payloads.unsentFields.contains($0.target) }
        guard unsent.isEmpty else { throw .unsentWithV4(mapping: path, fields: unsent.map { ($0.target, $0.line) }) }
        if let code = mapping.fields.first(where: { $0.target == "color_code" }), !mapping.fields.contains(where: { $0.target == "color_name" }) {
            throw .colorNamesForV4(mapping: path, line: code.line)
        }
    }

    var inbox: Inbox { files.inbox }
    var mapping: InboundMapping { files.mapping }
    var alwaysFull: Bool { settings.full }

    /// Groups a file's rows into styles (rows of one style may be anywhere in it; they wait in
    /// the spool), handing each rejection to `reject`; counts rows read.
    private func assemble(
        _ result: ConversionResult, name: String, into spool: inout StyleSpool.Writer, _ report: inout Report,
        reject: (RowRejection) throws -> Void
    ) rethrows {
        report.rowsRead += 1
        switch result {
        case .skipped: return
        case .rejected(let rejection):
            spool.hold(for: rejection)
            try reject(rejection)
        case .converted(let record):
            if let rejection = spool.admit(record, source: name) { try reject(rejection) }
        }
    }

    func process(_ name: String, full: Bool, control: JobControl, _ report: inout Report) async throws {
        guard let fingerprint = try files.fingerprintUnlessPushed(name, full: full, &report.tally) else { return }
        let rejects = RejectsFile(folder: inbox.error, name: name)
        var rejected: [String] = []
        func reject(_ rejection: RowRejection) throws {
            if rejects.isEmpty { rejected.append(rejects.path) }
            try rejects.write(rejection)
        }
        let spool = try StyleSpool(directory: try spoolDirectory())
        var readable = false
        try spool.fill { writer in
            readable = try files.read(name, fingerprint: fingerprint, control: control, rejects: rejects) { result in
                try assemble(result, name: name, into: &writer, &report, reject: reject)
            }
        }
        report.rowsRejected += rejects.count
        report.rejectFiles += rejected
        guard readable else {
            report.filesFailed += 1
            return
        }
        var changed = ChangedStyles(
            spool: spool, known: ledger.styleHashes(of:), full: full, batchSize: settings.batchSize, source: name)
        changed.api = api
        defer { report.stylesUnchanged += changed.unchanged }
        var unconfirmedHere: [String] = []
        /// A line about a whole style in the rejects file (held back, or refused by JOOR).
        func rejectStyle(_ rejection: RowRejection) throws {
            if rejects.isEmpty { report.rejectFiles.append(rejects.path) }
            try rejects.write(rejection)
            report.rowsRejected += 1
        }
        do {
            while let batch = try changed.next() {
                for (style, line) in batch.held {
                    report.stylesHeld[style] = line.reason
                    logger.warning("style \(style) \(line.reason)", metadata: ["file": "\(name)"])
                    try rejectStyle(line)
                }
                try rejects.flush()
                guard !batch.styles.isEmpty else { continue }
                let (refused, unconfirmed) = try await push(batch.styles, &report)
                CrashPoint.hit("products batch accepted, not recorded")
                let accepted = batch.styles.filter { refused[$0.styleIdentifier] == nil && unconfirmed[$0.styleIdentifier] == nil }
                unconfirmedHere += unconfirmed.keys.sorted()
                // One line per reason: a batch JOOR did not confirm is often all of it.
                for (why, styles) in Dictionary(grouping: unconfirmed.keys.sorted(), by: { unconfirmed[$0]! }).sorted(by: { $0.key < $1.key }) {
                    logger.warning(
                        "JOOR did not confirm \(styles.count) style(s) (\(styles.prefix(5).joined(separator: ", "))): \(why); they go again next run",
                        metadata: ["file": "\(name)"])
                }
                try ledger.recordStyles(Dictionary(uniqueKeysWithValues: accepted.map { ($0.styleIdentifier, $0.contentHash) }))
                CrashPoint.hit("products batch recorded")
                report.stylesSent += accepted.count
                for (identifier, reason) in refused.sorted(by: { $0.key < $1.key }) {
                    report.stylesRefused[identifier] = reason
                    try rejectStyle(
                        RowRejection(source: name, line: 0, field: "style_number", value: identifier, reason: "JOOR refused the style: \(reason)"))
                }
                try rejects.flush()
            }
        } catch let error as JoorAPIError {
            if try files.joorFailed(name, fingerprint, error) { report.filesQuarantined += 1 }
            throw error
        }
        report.stylesUnconfirmed += unconfirmedHere
        if !unconfirmedHere.isEmpty {
            // Archived, the file would be a duplicate if sent again: it stays for the next run,
            // which sends only what is not recorded (the styles JOOR took are unchanged then).
            let reason = "JOOR did not confirm \(unconfirmedHere.count) style(s) (\(unconfirmedHere.prefix(5).joined(separator: ", ")))"
            if try files.retryLater(name, fingerprint, reason: reason) { report.filesQuarantined += 1 } else { report.filesToRetry.append(name) }
            return
        }
        try files.succeeded(name, fingerprint)
        report.filesArchived += 1
        logger.info("\(report.stylesSent) style(s) sent, \(report.stylesUnchanged) unchanged; archived", metadata: ["file": "\(name)"])
    }

    /// Where a run's spools go: `<state file>.spool/`, beside the state store and under the run
    /// lock, so that the spools a killed run left (a temporary SQLite file about the size of the
    /// export) are removed here before the next is made. A dry run, which holds no lock, spools
    /// in the system's temporary folder.
    private func spoolDirectory() throws -> String {
        let directory = ledger.path + ".spool"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let removed = StyleSpool.removeLeftovers(in: directory)
        if removed > 0 { logger.notice("removed \(removed) spool file(s) a stopped run left in \(directory)") }
        return directory
    }

    /// Sends one batch; returns the styles JOOR refused (with its reason) and those whose outcome
    /// JOOR's answer did not tell.
    private func push(
        _ batch: [Style], _ report: inout Report
    ) async throws(JoorAPIError) -> (
        refused: [String: String], unconfirmed: [String: String]
    ) {
        if api == .v4 {
            report.requests += 1
            let result = try await client.pushStylesV4(batch)
            return (result.failed, result.unconfirmed)
        }
        return try await pushV2(batch, &report)
    }

    /// A v2 bulk-style job reports only how many styles it took (`style_record_progress`), not
    /// which: a job that took fewer than it was sent is split in halves and each half sent again
    /// (styles are upserted, so that is harmless) until the refused styles stand alone. So is a
    /// call JOOR refuses whole (``JoorAPIError/refusesTheData``: one style it cannot take must not
    /// hold back the file's others). A job that names the refused styles is believed; one without
    /// a progress count confirms nothing.
    private func pushV2(
        _ styles: [Style], _ report: inout Report, top: Bool = true
    ) async throws(JoorAPIError) -> (refused: [String: String], unconfirmed: [String: String]) {
        report.requests += 1
        let submitted: StyleJob
        do {
            submitted = try await client.submitStyles(styles)
        } catch  where error.refusesTheData {
            if styles.count == 1 { return ([styles[0].styleIdentifier: error.description], [:]) }
            logger.notice("JOOR refused a call of \(styles.count) style(s) (\(error)); sending them again in halves to find the refused one(s)")
            let halves = try await pushV2Halves(styles, &report)
            // Every style refused on its own as well: what JOOR refuses is the call (the account,
            // the format), not a style in it; the file's attempt, not its rows.
            if top && halves.refused.count == styles.count { throw error }
            return halves
        }
        let job = try await client.waitForStyleJob(submitted)
        if !job.errors.isEmpty { return (job.errors, [:]) }
        guard let progress = job.progress else {
            let why = "JOOR's bulk-style job \(job.id) finished without a style_record_progress"
            return ([:], Dictionary(uniqueKeysWithValues: styles.map { ($0.styleIdentifier, why) }))
        }
        if progress >= styles.count { return ([:], [:]) }
        if styles.count == 1 {
            return (
                [
                    styles[0].styleIdentifier:
                        "JOOR's bulk-style job \(job.id) finished without taking this style (style_record_progress \(progress) of 1); JOOR does not say why: look at the style in JOOR (required fields, lengths, its colors and sizes)"
                ], [:]
            )
        }
        logger.notice(
            "JOOR's bulk-style job \(job.id) took \(progress) of \(styles.count) style(s); sending them again in halves to find the refused one(s)")
        return try await pushV2Halves(styles, &report)
    }

    private func pushV2Halves(
        _ styles: [Style], _ report: inout Report
    ) async throws(JoorAPIError) -> (refused: [String: String], unconfirmed: [String: String]) {
        let half = styles.count / 2
        let first = try await pushV2(Array(styles[..<half]), &report, top: false)
        let second = try await pushV2(Array(styles[half...]), &report, top: false)
        return (first.refused.merging(second.refused) { a, _ in a }, first.unconfirmed.merging(second.unconfirmed) { a, _ in a })
    }

    /// A dry run of one file: the same grouping and change screening as ``process``, read where
    /// the file is, with the first request of each batch handed to `print` and the ledger only read.
    func preview(_ candidate: InboxFiles.Candidate, full: Bool, control: JobControl, print: DryRunPrinter, _ report: inout Report) throws {
        let name = candidate.name
        if try files.previewsAsResent(candidate, full: full, print: print) {
            report.filesDuplicate += 1
            return
        }
        let spool = try StyleSpool()
        var rejected = 0
        do {
            try spool.fill { writer in
                try files.convert(path: candidate.path, name: name, control: control) { result in
                    assemble(result, name: name, into: &writer, &report) { rejection in
                        rejected += 1
                        print(.note("\(name): would reject \(rejection)"))
                    }
                }
            }
        } catch  where InboxFiles.isBroken(error) {
            report.filesFailed += 1
            print(.note("\(name): a run would move it to error/ and send nothing: \(error)"))
            return
        }
        report.rowsRejected += rejected
        var changed = ChangedStyles(
            spool: spool, known: ledger.styleHashes(of:), full: full, batchSize: settings.batchSize, source: name)
        changed.api = api
        var sent = 0
        while let batch = try changed.next() {
            for (style, line) in batch.held {
                report.stylesHeld[style] = line.reason
                report.rowsRejected += 1
                print(.note("\(name): would hold back style \(style): \(line.reason)"))
            }
            guard !batch.styles.isEmpty else { continue }
            sent += batch.styles.count
            report.requests += 1
            for request in try Self.requests(for: batch.styles, api: api) { print(.request(endpoint: request.endpoint, body: request.body)) }
        }
        report.stylesUnchanged += changed.unchanged
        report.stylesSent += sent
        report.filesArchived += 1
        print(.note("\(name): a run would send \(sent) style(s) (\(report.stylesUnchanged) unchanged), then archive it"))
    }
}
