/**
 * What every Sagaline component shares about Kafka: topic set-up (create what is missing, then wait
 * until every partition answers), the client profiles of {@code sagaline.profile}, the fence that
 * ends the open transactions killed instances of a Kafka Streams application left behind, and the
 * log line per store partition that an instance restores from its changelog.
 */
package dev.sagaline.topics;
