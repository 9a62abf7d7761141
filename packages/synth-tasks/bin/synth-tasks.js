#!/usr/bin/env node
// Committed launcher for the built CLI, so the bin exists (and package managers can link it) before a build.
import '../dist/cli.js';
