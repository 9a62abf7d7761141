// Finds `exports` targets (and main/module/types) that are missing from a package's file list.

/** Collects every file path an `exports` map can resolve to (all conditions, all subpaths). */
export function exportTargets(exportsField) {
  if (exportsField == null) return [];
  if (typeof exportsField === 'string') return [exportsField];
  if (Array.isArray(exportsField)) return exportsField.flatMap(exportTargets);
  return Object.values(exportsField).flatMap(exportTargets);
}

const normalise = (path) => path.replace(/^\.\//, '');

/**
 * @param {Record<string, unknown>} manifest a package.json
 * @param {string[]} files paths inside the package (as in its tarball, relative to the package root)
 * @returns {string[]} the referenced paths that are not in `files`
 */
export function missingExportTargets(manifest, files) {
  const present = new Set(files.map(normalise));
  const referenced = [
    ...exportTargets(manifest.exports),
    ...['main', 'module', 'types'].map((field) => manifest[field]).filter((v) => typeof v === 'string'),
  ];
  // Wildcard subpaths ("./*": "./dist/*.js") cannot be checked file by file; publint covers them.
  return [...new Set(referenced.filter((p) => !p.includes('*')).map(normalise))].filter(
    (p) => !present.has(p),
  );
}
