/**
 * What every Sagaline component shares about Kafka: topic set-up (create what is missing, then wait
 * until every partition answers) and the client profiles of {@code sagaline.profile}.
 */
package dev.sagaline.topics;
