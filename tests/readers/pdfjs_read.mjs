// PDF.js (the browsers' reader) opens each file given on the command line, as Firefox would: every
// page, its text, its structure tree, the outline and the annotations. Prints one JSON object:
// {file: {pages: [text of each page], problems: [what PDF.js said or threw]}}.
// Run once per list of files (starting node is the slow part): node pdfjs_read.mjs a.pdf b.pdf
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const root = path.dirname(require.resolve("pdfjs-dist/package.json"));
const pdfjs = await import(path.join(root, "legacy/build/pdf.mjs"));

// PDF.js reports what it finds wrong through console.log/warn/error ("Warning: ...").
let said = [];
for (const level of ["log", "info", "warn", "error"]) {
  console[level] = (...args) => said.push(args.map(String).join(" "));
}

function pageText(content) {
  // Items in content order. PDF.js gives each run of text as an item and leaves the spaces between
  // runs to the viewer: a new baseline is a line end, a gap wider than a fifth of the font size a
  // space, as poppler and MuPDF decide. Marked-content items carry no text.
  let text = "";
  let last = null;
  for (const item of content.items) {
    if (!("str" in item) || item.str === "") {
      if (item.hasEOL) text += "\n";
      continue;
    }
    const [x, y] = [item.transform[4], item.transform[5]];
    const size = Math.hypot(item.transform[2], item.transform[3]) || item.height || 1;
    if (last !== null) {
      const atLineStart = text.endsWith("\n");
      // Superscripts sit higher on the same line: only a drop of most of a line is a new line.
      if (Math.abs(y - last.y) > Math.max(size, last.size) * 0.7) text += atLineStart ? "" : "\n";
      else if (!atLineStart && x - last.end > size / 5) text += " ";
    }
    text += item.str + (item.hasEOL ? "\n" : "");
    last = { y, size, end: x + item.width };
  }
  return text;
}

async function read(file) {
  const result = { pages: [], problems: [] };
  said = [];
  try {
    const data = new Uint8Array(await readFile(file));
    const document = await pdfjs.getDocument({
      data, verbosity: pdfjs.VerbosityLevel.WARNINGS, isEvalSupported: false,
      standardFontDataUrl: path.join(root, "standard_fonts") + "/", useSystemFonts: false,
    }).promise;
    await document.getOutline();
    for (let number = 1; number <= document.numPages; number++) {
      try {
        const page = await document.getPage(number);
        const content = await page.getTextContent({ includeMarkedContent: true });
        await page.getStructTree();
        await page.getAnnotations();
        await page.getOperatorList(); // decodes the page's streams, fonts and images as drawing would
        result.pages.push(pageText(content));
      } catch (error) {
        result.problems.push(`page ${number}: ${error && error.message ? error.message : error}`);
        result.pages.push("");
      }
      result.problems.push(...said.map((message) => `page ${number}: ${message}`));
      said = [];
    }
    await document.destroy();
  } catch (error) {
    result.problems.push(`cannot open: ${error && error.message ? error.message : error}`);
  }
  result.problems.push(...said);
  return result;
}

const results = {};
for (const file of process.argv.slice(2)) {
  results[file] = await read(file);
}
process.stdout.write(JSON.stringify(results));
