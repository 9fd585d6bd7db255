/** Topic set-up shared by every Sagaline component: create what is missing, then wait until every partition answers. */
package dev.sagaline.topics;
