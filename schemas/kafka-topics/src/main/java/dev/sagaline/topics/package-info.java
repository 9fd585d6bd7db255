/**
 * What every Sagaline component shares about Kafka: topic set-up (create what is missing, then wait
 * until every partition answers), the client profiles of {@code sagaline.profile}, and the fence that
 * ends the open transactions killed instances of a Kafka Streams application left behind.
 */
package dev.sagaline.topics;
