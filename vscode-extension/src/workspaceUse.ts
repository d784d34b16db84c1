// Whether a workspace uses TypeORM, so the server starts only where it has something to
// check: a `typeorm-lsp.json`, or a package.json that depends on TypeORM. Pure.

/** Packages whose presence means the project uses TypeORM. */
const TYPEORM_PACKAGES = ['typeorm', '@nestjs/typeorm'];

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/** Whether the text of a package.json names TypeORM among its dependencies. Unreadable
 * JSON is no evidence either way: false. */
export function packageJsonNamesTypeorm(text: string): boolean {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof manifest !== 'object' || manifest === null) {
    return false;
  }
  const fields = manifest as Record<string, unknown>;
  return DEPENDENCY_FIELDS.some((field) => {
    const deps = fields[field];
    return typeof deps === 'object' && deps !== null && TYPEORM_PACKAGES.some((name) => name in deps);
  });
}
