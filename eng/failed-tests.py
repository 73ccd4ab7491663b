"""Prints each test of the given .trx files that neither passed nor was skipped (failed, error, timeout, aborted, ...)
with its outcome and the first lines of its error message; with --count first, only how many there are. The results
decide, not the file's counters: the trx logger leaves some of those at 0 (a skipped test is in total, not notExecuted)."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

count_only = sys.argv[1:2] == ["--count"]
failed = 0
for path in sys.argv[2 if count_only else 1:]:
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", NS):
        outcome = result.get("outcome")
        if outcome in ("Passed", "NotExecuted"):
            continue
        failed += 1
        if count_only:
            continue
        print(f"  {result.get('testName')}" + ("" if outcome == "Failed" else f" ({outcome})"))
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS)
        for line in message.strip().splitlines()[:8]:
            print(f"      {line}")
if count_only:
    print(failed)
