/**
 * Bundle sizes of the built extension: each entrypoint (the JS and CSS it loads, raw and gzip),
 * the content script on its own, and the whole extension zipped (deflate, as `wxt zip` does),
 * written with node's zlib so no zip tool is needed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import type { ManifestLike } from '../../tests/e2e/harness';

export interface Size {
  rawBytes: number;
  gzipBytes: number;
  files: string[];
}

export interface Sizes {
  contentScriptBytes: number;
  contentScriptGzipBytes: number;
  entrypoints: Record<string, Size>;
  totalBytes: number;
  zipBytes: number;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function sizeOf(root: string, files: string[]): Size {
  const unique = [...new Set(files)];
  const content = unique.map((file) => readFileSync(join(root, file)));
  return {
    rawBytes: content.reduce((sum, b) => sum + b.length, 0),
    gzipBytes: content.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0),
    files: unique,
  };
}

/** JS and CSS files an html entrypoint loads (script src, link href), and what those JS files import statically. */
function htmlAssets(root: string, html: string): string[] {
  const text = readFileSync(join(root, html), 'utf8');
  const found = [...text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!.replace(/^\//, ''));
  return withImports(root, found);
}

function withImports(root: string, files: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...files];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/(?:import|from)\s*["']([^"']+\.js)["']/g)) {
      const spec = m[1]!;
      const target = spec.startsWith('/') ? spec.slice(1) : relative(root, resolve(root, dirname(file), spec));
      queue.push(target);
    }
  }
  return [...seen];
}

/**
 * The size of a zip of `root` (each file deflated, or stored when that is smaller): local headers
 * (30 bytes + name) and data, central directory (46 bytes + name per file), end record (22 bytes).
 */
function zipSize(root: string): number {
  let bytes = 22;
  for (const path of walk(root)) {
    const name = Buffer.byteLength(relative(root, path));
    const data = readFileSync(path);
    bytes += 30 + name + Math.min(deflateRawSync(data, { level: 9 }).length, data.length) + 46 + name;
  }
  return bytes;
}

export function measureSizes(extensionDir: string): Sizes {
  const manifest = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8')) as ManifestLike & {
    action?: { default_popup?: string };
    options_ui?: { page?: string };
  };
  const entrypoints: Record<string, Size> = {};
  const worker = manifest.background?.service_worker;
  if (worker) entrypoints.background = sizeOf(extensionDir, withImports(extensionDir, [worker]));
  for (const script of manifest.content_scripts ?? []) {
    const files = [...(script.js ?? []), ...(script.css ?? [])];
    const name = (script.js?.[0] ?? 'content').replace(/^content-scripts\//, '').replace(/\.js$/, '');
    entrypoints[`content:${name}`] = sizeOf(extensionDir, withImports(extensionDir, files));
  }
  for (const file of readdirSync(extensionDir).filter((f) => f.endsWith('.html'))) {
    entrypoints[file.replace(/\.html$/, '')] = sizeOf(extensionDir, [file, ...htmlAssets(extensionDir, file)]);
  }
  const contentJs = (manifest.content_scripts ?? []).flatMap((s) => s.js ?? []);
  const content = sizeOf(extensionDir, withImports(extensionDir, contentJs));
  const all = walk(extensionDir).map((p) => relative(extensionDir, p));
  return {
    contentScriptBytes: content.rawBytes,
    contentScriptGzipBytes: content.gzipBytes,
    entrypoints,
    totalBytes: all.reduce((sum, f) => sum + statSync(join(extensionDir, f)).size, 0),
    zipBytes: zipSize(extensionDir),
  };
}
