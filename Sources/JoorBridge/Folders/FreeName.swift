import Foundation

/// How joorbridge picks a name nobody has taken, in any folder it writes to, local or remote.
/// `taken` says whether a candidate exists there.
enum FreeName {
    /// `name`, or `stem_2.ext`, `stem_3.ext`…: for files the WMS imports, whose extension it matches.
    static func numbered<E: Error>(_ name: String, taken: (String) throws(E) -> Bool) throws(E) -> String {
        guard try taken(name) else { return name }
        let dot = name.lastIndex(of: ".").flatMap { $0 == name.startIndex ? nil : $0 }
        let stem = dot.map { String(name[..<$0]) } ?? name
        let ext = dot.map { String(name[$0...]) } ?? ""
        var counter = 2
        while try taken("\(stem)_\(counter)\(ext)") { counter += 1 }
        return "\(stem)_\(counter)\(ext)"
    }

    /// `name`, or `name.2`, `name.3`…: for archive and error folders, where the original name
    /// should stay whole.
    static func suffixed<E: Error>(_ name: String, taken: (String) throws(E) -> Bool) throws(E) -> String {
        var candidate = name
        var counter = 2
        while try taken(candidate) {
            candidate = name + "." + String(counter)
            counter += 1
        }
        return candidate
    }

    /// `archive/YYYY-MM-DD`: the day's folder under an archive.
    static func dayFolder(in archive: String, on date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return archive + "/" + formatter.string(from: date)
    }
}
