package dev.orca.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the repository's Markdown (README, docs/, module READMEs) names a file that exists and, when it
 * names a section, a heading that the renderer turns into that anchor. The results pages are rewritten as measurements
 * change, and a heading that gains a date silently breaks the links into it. Kept beside the manifest checks: this
 * module is the first in the build and already holds the checks on the repository's shipped files.
 */
class DocumentationLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    @Test
    void everyRelativeLinkNamesAFileAndAHeadingThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        for (Path md : markdownFiles()) {
            for (String target : links(Files.readAllLines(md))) {
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                    continue; // http(s), mailto: not this repository's
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? md : md.getParent().resolve(file).normalize();
                String where = ROOT.relativize(md) + " -> " + target;
                if (!Files.exists(resolved)) {
                    broken.add(where + ": no such file");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors.computeIfAbsent(resolved, DocumentationLinksTest::anchorsOf).contains(target.substring(hash + 1))) {
                    broken.add(where + ": no heading with that anchor");
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void anchorsFollowTheRenderersRules() {
        // Lower case, punctuation (backticks, colons, parentheses, the typographic minus) dropped, spaces to hyphens, and
        // a repeated heading numbered from its second occurrence.
        Set<String> anchors = anchorsOf(List.of(
                "# Results",
                "### bf16 products: `finetune.precision: bf16` (issue 35; 2026-12-06)",
                "## ORCA − fine-tuning, per seed",
                "## Results"));
        assertEquals(Set.of("results", "bf16-products-finetuneprecision-bf16-issue-35-2026-12-06", "orca--fine-tuning-per-seed", "results-1"),
                anchors);
    }

    @Test
    void linksInCodeBlocksAreNotLinks() {
        assertEquals(List.of("docs/a.md#b"), links("[a](docs/a.md#b)\n```\nx = [y](z)\n```\n".lines().toList()));
    }

    private static List<Path> markdownFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            List<Path> found = files.filter(f -> f.toString().endsWith(".md"))
                    .filter(f -> {
                        String rel = ROOT.relativize(f).toString();
                        return !rel.startsWith(".") && !rel.contains("/target/") && !rel.contains("node_modules") && !rel.startsWith("runs/");
                    })
                    .sorted().toList();
            assertTrue(found.contains(ROOT.resolve("README.md")), "the README is among the pages checked");
            return found;
        }
    }

    /** The lines of a page outside its fenced code blocks, where links and headings are what they look like. */
    private static List<String> prose(List<String> lines) {
        List<String> kept = new ArrayList<>();
        boolean fenced = false;
        for (String line : lines) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                kept.add(line);
            }
        }
        return kept;
    }

    private static List<String> links(List<String> lines) {
        List<String> targets = new ArrayList<>();
        for (String line : prose(lines)) {
            Matcher m = LINK.matcher(line);
            while (m.find()) {
                targets.add(m.group(1));
            }
        }
        return targets;
    }

    private static Set<String> anchorsOf(Path md) {
        try {
            return anchorsOf(Files.readAllLines(md));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** GitHub's anchors for the headings of a page. */
    private static Set<String> anchorsOf(List<String> lines) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(lines)) {
            Matcher m = HEADING.matcher(line);
            if (!m.matches()) {
                continue;
            }
            StringBuilder slug = new StringBuilder();
            m.group(1).toLowerCase(java.util.Locale.ROOT).codePoints().forEach(c -> {
                if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                    slug.appendCodePoint(c);
                } else if (c == ' ') {
                    slug.append('-');
                }
            });
            String base = slug.toString();
            int n = seen.merge(base, 1, Integer::sum);
            anchors.add(n == 1 ? base : base + "-" + (n - 1));
        }
        return anchors;
    }
}
