// PDF.js (the browsers' reader) reads a PDF's tag tree: prints one JSON line of findings per file.
// Usage: node pdfjs_struct_tree.mjs FILE.pdf ...
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const pdfjs = await import(path.join(here, "../readers/node_modules/pdfjs-dist/legacy/build/pdf.mjs"));

function* nodes(node) {
  yield node;
  for (const kid of node.children || []) if (!kid.type) yield* nodes(kid);
}

async function findings(file) {
  const data = new Uint8Array(await readFile(file));
  const doc = await pdfjs.getDocument({ data, verbosity: 0, isEvalSupported: false }).promise;
  const found = [];
  let previousHeading = 0, headings = 0, links = 0, figures = 0;
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const tree = await page.getStructTree();
    const content = new Set(), objects = new Set();
    if (tree) for (const node of nodes(tree)) {
      for (const kid of node.children || []) {
        if (kid.type === "content") content.add(kid.id);
        if ((kid.type === "object" || kid.type === "annotation") && node.role === "Link") {
          objects.add(kid.id.replace(/^pdfjs_internal_id_/, ""));
        }
      }
      const heading = /^H([1-6])$/.exec(node.role);
      if (heading) {
        headings++;
        const level = Number(heading[1]);
        if (level > previousHeading + 1) found.push(`page ${n}: ${node.role} after H${previousHeading}`);
        previousHeading = level;
      }
      if (node.role === "Figure") {
        figures++;
        if (!node.alt) found.push(`page ${n}: Figure without alt`);
      }
    }
    // Every piece of text sits in marked content the tree reaches, or in an artifact.
    const text = await page.getTextContent({ includeMarkedContent: true });
    const stack = [];
    let loose = 0;
    for (const item of text.items) {
      if (item.type === "beginMarkedContent" || item.type === "beginMarkedContentProps") {
        stack.push(item.tag === "Artifact" ? "artifact" : content.has(item.id) ? "tagged" : "lost");
      } else if (item.type === "endMarkedContent") {
        stack.pop();
      } else if (item.str && item.str.trim() && !(stack.includes("artifact") || stack.at(-1) === "tagged")) {
        loose++;
      }
    }
    if (loose) found.push(`page ${n}: ${loose} text items outside the tag tree`);
    for (const annotation of await page.getAnnotations()) {
      if (annotation.subtype !== "Link") continue;
      links++;
      if (!objects.has(annotation.id)) found.push(`page ${n}: link ${annotation.id} not under a Link`);
    }
  }
  return { file, pages: doc.numPages, headings, links, figures, findings: found };
}

for (const file of process.argv.slice(2)) console.log(JSON.stringify(await findings(file)));
