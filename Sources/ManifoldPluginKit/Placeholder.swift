enum PluginKitPlaceholder {}
