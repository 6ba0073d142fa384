/// Why a rule refused a value (becomes a ``RowRejection`` with the row's file and line).
public struct RuleFailure: Error, Sendable, Equatable {
    public var field: String?
    public var value: String?
    public var reason: String

    public init(field: String? = nil, value: String?, reason: String) {
        self.field = field
        self.value = value
        self.reason = reason
    }
}
