import ManifoldJSON

/// What one check found.
public struct CheckResult: Sendable, Equatable {
    /// PASS, FAIL or SKIP.
    public enum Status: String, Sendable, Equatable, Codable {
        /// The plugin keeps the rule.
        case pass
        /// The plugin breaks the rule (the detail says how).
        case fail
        /// The rule does not apply, or cannot be checked (the detail says why).
        case skip

        /// The word the table shows.
        public var label: String { rawValue.uppercased() }
    }

    /// The check.
    public var check: ConformanceCheck
    /// Its verdict.
    public var status: Status
    /// One line: what was found, with the figures and limits that decided it; for a SKIP, why.
    public var detail: String
    /// The last lines the check's process wrote to standard error, when it ended abnormally.
    public var stderr: [String]

    /// A result.
    public init(_ check: ConformanceCheck, _ status: Status, _ detail: String, stderr: [String] = []) {
        self.check = check
        self.status = status
        self.detail = detail
        self.stderr = stderr
    }

    /// `{"check": …, "status": "pass"|"fail"|"skip", "detail": …, "stderr": […]}`; `stderr`
    /// only when there is some.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["check": .string(check.name), "status": .string(status.rawValue), "detail": .string(detail)]
        if !stderr.isEmpty { members["stderr"] = .array(stderr.map { .string($0) }) }
        return .object(members)
    }

    /// Reads `json`; `nil` for anything else.
    public init?(json: JSONValue) {
        guard let name = json["check"]?.stringValue, let check = ConformanceCheck(rawValue: name),
            let statusText = json["status"]?.stringValue, let status = Status(rawValue: statusText),
            let detail = json["detail"]?.stringValue
        else { return nil }
        self.init(check, status, detail, stderr: json["stderr"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}

/// A result that ends a check early (a SKIP for want of a plugin or a config, a FAIL found
/// on the way), carried out of the function that found it.
struct CheckEnd: Error {
    let result: CheckResult
    init(_ result: CheckResult) { self.result = result }
}
