#!/usr/bin/env python3
"""Run doxygen, then fail on any enum value it let through undocumented.

Usage: doxygen-run.py DOXYGEN DOXYFILE XML_DIR

Doxygen's WARN_IF_UNDOCUMENTED covers functions, types, struct fields and
macros but not the values of a documented enum, so this reads the XML
doxygen writes beside the HTML and reports every enum value with neither
a brief nor a detailed description, in doxygen's own warning format.
"""
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def text(node):
    return "".join(node.itertext()).strip() if node is not None else ""


def main():
    doxygen, doxyfile, xml_dir = sys.argv[1:4]
    # FAIL_ON_WARNINGS: doxygen writes everything, then fails; check the
    # enum values either way so that one run reports every gap.
    status = subprocess.run([doxygen, doxyfile]).returncode
    missing = 0
    for path in sorted(Path(xml_dir).glob("*.xml")):
        root = ET.parse(path).getroot()
        for enum in root.iter("memberdef"):
            if enum.get("kind") != "enum":
                continue
            for value in enum.findall("enumvalue"):
                if text(value.find("briefdescription")) or text(
                        value.find("detaileddescription")):
                    continue
                where = enum.find("location")
                print("%s:%s: error: enum value %s of %s is not documented."
                      % (where.get("file"), where.get("line"),
                         text(value.find("name")), text(enum.find("name"))),
                      file=sys.stderr)
                missing += 1
    return 1 if missing or status != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
