import Manifold

/// A set of topic names stored as a tree of their dot-separated tokens, so that the names a
/// pattern can match are found by walking the pattern's tokens instead of testing every name.
///
/// A pattern such as `results.*` visits the children of `results` only, and an exact name
/// one branch; `>` and a leading `*` visit whole subtrees, which is the most they can match.
/// The walk yields candidates by token shape alone; `TopicPattern.matches` has the last word
/// (it also keeps wildcards off `$` system topics).
struct TopicTree {
    private struct Branch {
        var children: [Substring: Int] = [:]
        /// The topic that ends here, if one does.
        var topic: Topic?
    }

    private var branches = [Branch()]

    /// Adds a topic; adding one twice keeps one.
    mutating func insert(_ topic: Topic) {
        var current = 0
        for token in topic.name.split(separator: ".", omittingEmptySubsequences: false) {
            if let next = branches[current].children[token] {
                current = next
            } else {
                branches.append(Branch())
                branches[current].children[token] = branches.count - 1
                current = branches.count - 1
            }
        }
        branches[current].topic = topic
    }

    /// The topics `pattern` matches, in no particular order.
    func topics(matching pattern: TopicPattern) -> [Topic] {
        let tokens = pattern.text.split(separator: ".", omittingEmptySubsequences: false)
        var found: [Topic] = []
        // Depth-first over (branch, number of pattern tokens consumed); no recursion, so a
        // long topic name cannot exhaust the stack.
        var pending = [(branch: 0, consumed: 0)]
        while let (branch, consumed) = pending.popLast() {
            guard consumed < tokens.count else {
                if let topic = branches[branch].topic { found.append(topic) }
                continue
            }
            switch tokens[consumed] {
            case ">":
                // One or more further tokens: every topic strictly below this branch.
                var below = Array(branches[branch].children.values)
                while let next = below.popLast() {
                    if let topic = branches[next].topic { found.append(topic) }
                    below.append(contentsOf: branches[next].children.values)
                }
            case "*":
                for next in branches[branch].children.values { pending.append((next, consumed + 1)) }
            case let token:
                if let next = branches[branch].children[token] { pending.append((next, consumed + 1)) }
            }
        }
        return found.filter { pattern.matches($0) }
    }
}
