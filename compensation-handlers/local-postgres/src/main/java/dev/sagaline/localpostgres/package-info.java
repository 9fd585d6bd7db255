/**
 * A real PostgreSQL server for tests, the demo and the benchmark: {@link
 * dev.sagaline.localpostgres.LocalPostgres} starts one from Maven Central artifacts with logical
 * replication on, and {@link dev.sagaline.localpostgres.LocalPostgresExtension} gives a JUnit 5
 * test class one of its own.
 */
package dev.sagaline.localpostgres;
