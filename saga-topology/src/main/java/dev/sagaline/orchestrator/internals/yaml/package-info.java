/** Reads saga definitions from YAML into the same objects the Java builder makes, with messages that name the file, the problem and the fix. */
package dev.sagaline.orchestrator.internals.yaml;
