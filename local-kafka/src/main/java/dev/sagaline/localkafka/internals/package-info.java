/**
 * How the local broker works: the child JVM's main class ({@code BrokerProcess}), its launcher and
 * lifeline ({@code ChildBroker}), the generated server settings, ports and start-up probing. Not
 * an API; use {@link dev.sagaline.localkafka.LocalKafkaBroker}.
 */
package dev.sagaline.localkafka.internals;
