/// Paths read from untrusted files (a model.json, an upload's file list).
public enum SafePath {
    /// A non-empty relative path of plain components: no leading `/`, no `..`, `.` or empty
    /// component, no NUL, at most 4,096 bytes. Joined to a folder, it stays inside it (unless a
    /// component there is a symbolic link, which the caller's folder is trusted not to hold).
    public static func isPlainRelative(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), path.utf8.count <= 4096, !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
