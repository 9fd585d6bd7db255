package dev.sagaline.localkafka.internals;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath for the broker's child JVM: the classpath this JVM was started with. That is a
 * manifest-only booter jar under Surefire and a single jar for a shaded application; both work
 * unchanged on a child's command line.
 */
final class ChildClasspath {

    private ChildClasspath() {
    }

    static String current() {
        // In-process launchers such as exec:java load the application through their own
        // URLClassLoader while java.class.path names only the launcher.
        ClassLoader loader = BrokerProcess.class.getClassLoader();
        if (loader instanceof URLClassLoader) {
            List<String> entries = new ArrayList<>();
            for (URL url : ((URLClassLoader) loader).getURLs()) {
                if ("file".equals(url.getProtocol())) {
                    entries.add(toPath(url));
                }
            }
            if (!entries.isEmpty()) {
                return String.join(File.pathSeparator, entries);
            }
        }
        return System.getProperty("java.class.path");
    }

    private static String toPath(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException e) {
            return url.getPath();
        }
    }
}
