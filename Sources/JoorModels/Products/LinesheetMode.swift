import Foundation

/// How JOOR treats the linesheets (deliveries) a v2 style call names: the style's
/// `delivery_overwrite` (joor-api.md 5.1).
///
/// JOOR's default, when the field is absent, is ``replaceAll``: a style sent with only this
/// season's linesheet leaves every other linesheet, and one sent with none leaves them all.
/// joorbridge sends ``add`` unless the mapping sets `delivery_overwrite`.
public enum LinesheetMode: Int, Sendable, CaseIterable {
    /// Replace all of the style's linesheets with those in the call (JOOR's default).
    case replaceAll = 1
    /// Replace only the linesheets the API put the style on.
    case replaceFromAPI = 2
    /// Only add: the style stays on every linesheet it is on.
    case add = 3
    /// Take the style off the linesheets in the call.
    case remove = 4

    /// The attribute that carries it.
    public static let field = "delivery_overwrite"

    /// The mode `text` names (`"3"`), or nil.
    public init?(text: String) {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else { return nil }
        self.init(rawValue: number)
    }

    /// What each value does, for messages.
    public static let explained =
        "1 (replace all of the style's linesheets with those given), 2 (replace those the API made), 3 (only add) or 4 (take the style off those given)"
}

extension Style {
    /// The linesheet mode the style is sent with: the mapping's `delivery_overwrite`, else ``LinesheetMode/add``.
    public var linesheetMode: LinesheetMode {
        attributes[LinesheetMode.field].flatMap(LinesheetMode.init(text:)) ?? .add
    }

    /// Why the style must not be sent as it is, or nil: a mode that replaces linesheets, with no
    /// linesheet given, would take the style off every linesheet it is on.
    public var linesheetHazard: String? {
        let mode = linesheetMode
        guard deliveries.isEmpty, mode == .replaceAll || mode == .replaceFromAPI else { return nil }
        return
            "delivery_overwrite \(mode.rawValue) replaces the style's linesheets with those given, and its rows give none: JOOR would take it off every linesheet. Map delivery_name, or use delivery_overwrite 3 to leave its linesheets as they are"
    }
}
