import Foundation

/// The fenced code blocks of the repository's Markdown documents, and the marked regions of
/// the compiled files under `Examples/Snippets` that Swift and C blocks must quote.
enum DocumentationBlocks {
    /// One fenced block: its language tag (empty when untagged) and its lines.
    struct Block: CustomStringConvertible {
        let file: String
        let line: Int
        let language: String
        let text: String
        var description: String { "\(file):\(line) (\(language.isEmpty ? "untagged" : language) block)" }
    }

    /// README.md and every docs/*.md, relative to the repository.
    static var documents: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: CLI.repositoryRoot + "/docs")) ?? []
        return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    /// Every block fenced with ``` or ~~~ at the start of a line; the other fence inside one is text.
    static func blocks(in document: String) throws -> [Block] {
        let lines = try String(contentsOfFile: CLI.repositoryRoot + "/" + document, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        var blocks: [Block] = []
        var open: (fence: String, language: String, line: Int, body: [Substring])?
        for (index, line) in lines.enumerated() {
            if var current = open {
                if line.hasPrefix(current.fence) {
                    blocks.append(Block(file: document, line: current.line, language: current.language,
                                        text: current.body.joined(separator: "\n") + "\n"))
                    open = nil
                } else {
                    current.body.append(line)
                    open = current
                }
            } else if line.hasPrefix("```") || line.hasPrefix("~~~") {
                let fence = String(line.prefix(3))
                open = (fence, line.dropFirst(3).trimmingCharacters(in: .whitespaces), index + 1, [])
            }
        }
        return blocks
    }

    /// Where compiled files with quoted regions live: snippets, and the tests that run them.
    static let snippetFolders = ["Examples/Snippets", "Tests/ManifoldPluginKitTests"]

    /// The regions between `// doc-snippet: begin` and `// doc-snippet: end` in the Swift and
    /// C files of `snippetFolders`, each with its common indentation removed.
    static func snippetRegions() throws -> [(file: String, text: String)] {
        var regions: [(file: String, text: String)] = []
        for folder in snippetFolders {
            let root = CLI.repositoryRoot + "/" + folder
            let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".swift") || $0.hasSuffix(".c") }.sorted()
            for file in files {
                let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
                regions += markedRegions(in: text).map { (file: folder + "/" + file, text: $0) }
            }
        }
        return regions
    }

    private static func markedRegions(in text: String) -> [String] {
        var regions: [String] = []
        var region: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let marker = line.trimmingCharacters(in: .whitespaces)
            if marker == "// doc-snippet: begin" {
                region = []
            } else if marker == "// doc-snippet: end", let body = region {
                regions.append(dedent(body))
                region = nil
            } else {
                region?.append(line)
            }
        }
        return regions
    }

    private static func dedent(_ lines: [Substring]) -> String {
        let indent = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return lines.map { $0.allSatisfy(\.isWhitespace) ? "" : String($0.dropFirst(indent)) }.joined(separator: "\n") + "\n"
    }

    /// The commands of a shell line, split at `&&`, `||`, `|` and `;`, each as words without
    /// the environment assignments before them; quotes group words, and a `#` starting a word
    /// ends the line.
    static func commands(in line: String) -> [[String]] {
        var commands: [[String]] = [[]]
        var word = ""
        var quote: Character?
        var inWord = false
        func endWord() {
            if inWord { commands[commands.count - 1].append(word) }
            word = ""
            inWord = false
        }
        var characters = line[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                endWord()
            } else if character == "#" && !inWord {
                break
            } else if character == "|" || character == ";" || (character == "&" && characters.first == "&") {
                endWord()
                if character == "&" || characters.first == "|" { characters = characters.dropFirst() }
                commands.append([])
            } else {
                word.append(character)
                inWord = true
            }
        }
        endWord()
        // Leading `NAME=value` words set the command's environment, as in a shell: the program
        // is the first word after them.
        return commands.map { words in Array(words.drop { Self.isAssignment($0) }) }.filter { !$0.isEmpty }
    }

    /// Whether a word is an environment assignment (`MANIFOLD_BIN=…`).
    private static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        let name = word[..<equals]
        return name.first.map { $0 == "_" || $0.isLetter } == true && name.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }
}
