// The plugin is written as in docs/plugins.md ("In Swift"); this package shows its manifest.
