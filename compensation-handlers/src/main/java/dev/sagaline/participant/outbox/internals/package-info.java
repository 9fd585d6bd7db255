/**
 * Implementation pieces of the outbox package that other libraries must reach by name: the JDBC
 * offset store Debezium instantiates for the CDC relay. Not part of the API.
 */
package dev.sagaline.participant.outbox.internals;
