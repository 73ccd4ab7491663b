"""Prints each test of the given .trx files that neither passed nor was skipped (failed, error, timeout, aborted, ...)
with its outcome and the first lines of its error message."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

for path in sys.argv[1:]:
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", NS):
        outcome = result.get("outcome")
        if outcome in ("Passed", "NotExecuted"):
            continue
        print(f"  {result.get('testName')}" + ("" if outcome == "Failed" else f" ({outcome})"))
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS)
        for line in message.strip().splitlines()[:8]:
            print(f"      {line}")
