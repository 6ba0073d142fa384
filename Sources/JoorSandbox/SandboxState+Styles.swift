import Foundation
import JoorModels

extension SandboxState {
    /// `POST /v2/bulk-style`: queues a job. Invalid styles are not applied and not counted in the
    /// job's progress; only in ``Answers/legacy`` mode does the job's status name them.
    func submitStyles(_ body: Data) throws -> Answer {
        let request: BulkStyleRequest
        do { request = try BulkStyleRequest.decode(body) } catch {
            return Answer(
                status: 400, body: Self.envelope("bulk_styles", code: 1, comment: "the body is not a valid styles document: \(error)", extra: [:]))
        }
        var errors: [String: String] = [:]
        for style in request.styles {
            if let problem = Self.problem(with: style) { errors[style.styleIdentifier.isEmpty ? style.styleNumber : style.styleIdentifier] = problem }
        }
        if let (style, problem) = errors.min(by: { $0.key < $1.key }), configuration.answers.styleRefusal != .inJob {
            let status = configuration.answers.styleRefusal == .httpStatus ? 400 : 200
            return Answer(status: status, body: Self.envelope("bulk_styles", code: 1, comment: "style \(style): \(problem)", extra: [:]))
        }
        let id = nextJobID
        nextJobID += 1
        jobs[id] = Job(id: id, styles: request.styles, errors: errors, created: ISO8601DateFormatter().string(from: Date()))
        try save()
        return Answer(status: 200, body: jobJSON(jobs[id]!))
    }

    /// `GET /v2/bulk-style/{id}`: the job advances queued → started → finished as it is polled.
    func styleJob(_ idText: String) throws -> Answer {
        guard let id = Int(idText), var job = jobs[id] else {
            return Answer(status: 404, body: Self.envelope("bulk_styles", code: 1, comment: "no bulk style job \(idText)", extra: [:]))
        }
        job.polls += 1
        if job.polls >= configuration.jobPollsToFinish, !job.applied {
            for style in job.styles where job.errors[style.styleIdentifier] == nil { upsert(style) }
            job.applied = true
        }
        jobs[id] = job
        try save()
        return Answer(status: 200, body: jobJSON(job))
    }

    /// A style a bulk-style job took: it replaces the stored one (the harsh reading of an
    /// undocumented upsert), except for its linesheets, which follow its `delivery_overwrite` as
    /// joor-api.md 5.1 documents it, 1 (replace them all) when it is absent.
    func upsert(_ style: Style) {
        let key = style.styleIdentifier
        let mode = style.attributes[LinesheetMode.field].flatMap(LinesheetMode.init(text:)) ?? .replaceAll
        var stored = style
        stored.attributes[LinesheetMode.field] = nil
        let held = styles[key]?.deliveries ?? []
        let given = Set(style.deliveries.map(\.name))
        let madeByAPI = apiLinesheets[key] ?? []
        // Linesheets given replace those of the same name; the others stay or go by the mode.
        let kept: [Style.Delivery]
        switch mode {
        case .replaceAll: kept = []
        case .replaceFromAPI: kept = held.filter { !madeByAPI.contains($0.name) && !given.contains($0.name) }
        case .add, .remove: kept = held.filter { !given.contains($0.name) }
        }
        stored.deliveries = kept + (mode == .remove ? [] : style.deliveries)
        // A place on a linesheet keeps where it came from while it lasts.
        let madeInJOOR = Set(held.map(\.name)).subtracting(madeByAPI)
        apiLinesheets[key] = Set(stored.deliveries.map(\.name)).subtracting(madeInJOOR)
        register(stored)
    }

    private func jobJSON(_ job: Job) -> JSONValue {
        let status = job.applied ? "finished" : (job.polls == 0 ? "queued" : "started")
        // Refused styles are never counted as processed: a finished job's progress is what it took.
        let taken = job.styles.count - job.errors.count
        let done = job.applied ? taken : min(taken, job.polls * max(1, job.styles.count / 2))
        var entry: [String: JSONValue] = [
            "bulk_styles_job_id": .number(Decimal(job.id)), "status": .string(status), "created": .string(job.created),
            "modified": .string(ISO8601DateFormatter().string(from: Date())), "style_record_count": .number(Decimal(job.styles.count)),
            "style_record_progress": .number(Decimal(done)),
        ]
        if job.applied && !job.errors.isEmpty && configuration.answers.styleErrors {
            entry["errors"] = .array(
                job.errors.sorted { $0.key < $1.key }.map { .object(["style_identifier": .string($0.key), "message": .string($0.value)]) })
        }
        return Self.envelope("bulk_styles", code: 0, comment: "", extra: ["bulk_styles_jobs": .array([.object(entry)])])
    }

    static func problem(with style: Style) -> String? {
        if style.styleName.isEmpty { return "style_name is required" }
        if style.styleNumber.isEmpty { return "style_number is required" }
        if style.styleName.count > 100 { return "style_name is longer than 100 characters" }
        if style.styleNumber.count > 45 { return "style_number is longer than 45 characters" }
        if let mode = style.attributes[LinesheetMode.field], LinesheetMode(text: mode) == nil {
            return "delivery_overwrite is \(LinesheetMode.explained), not '\(mode)'"
        }
        for upc in style.upcs {
            guard style.colors.contains(where: { $0.code == upc.colorCode }), style.sizes.contains(where: { $0.name == upc.sizeName }) else {
                return "UPC \(upc.upc) names color \(upc.colorCode) size \(upc.sizeName), which the style does not have"
            }
        }
        return nil
    }
}
