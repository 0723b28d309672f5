/// Why `manifold new-plugin` wrote nothing; `message` says what, where and how to fix it.
struct NewPluginError: Error {
    let message: String
}
