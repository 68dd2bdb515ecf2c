package colmena.vision;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reading OpenCV {@code FileStorage} XML nodes: named children, {@code <_>} sequence items and
 * whitespace-separated numbers, each failure an {@link InvalidCascadeException} naming the node.
 */
final class CascadeXmlNodes {

    private CascadeXmlNodes() {
    }

    static void expectText(Element parent, String name, String expected) {
        String found = text(parent, name);
        if (!found.equals(expected)) {
            throw new InvalidCascadeException("<" + name + "> is " + found + "; expected " + expected);
        }
    }

    static int intIn(Element parent, String name, int min, int max) {
        int value = parseInt(child(parent, name));
        if (value < min || value > max) {
            throw new InvalidCascadeException("<" + name + "> is " + value + "; expected " + min + " to " + max);
        }
        return value;
    }

    static String text(Element parent, String name) {
        return child(parent, name).getTextContent().trim();
    }

    static Element child(Element parent, String name) {
        Element found = optionalChild(parent, name);
        if (found == null) {
            throw new InvalidCascadeException("not a Haar cascade: <" + parent.getTagName() + "> has no <" + name + ">");
        }
        return found;
    }

    static Element optionalChild(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
                return (Element) n;
            }
        }
        return null;
    }

    static Element firstChildElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element) {
                return (Element) n;
            }
        }
        return null;
    }

    /** The {@code <_>} items of an OpenCV sequence. */
    static List<Element> items(Element sequence) {
        List<Element> items = new ArrayList<>();
        for (Node n = sequence.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element) {
                items.add((Element) n);
            }
        }
        return items;
    }

    static int parseInt(Element element) {
        double value = parseDouble(element);
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw new InvalidCascadeException("<" + element.getTagName() + "> is " + value + "; expected an integer");
        }
        return (int) value;
    }

    static double parseDouble(Element element) {
        double[] values = numbers(element);
        if (values.length != 1) {
            throw new InvalidCascadeException("<" + element.getTagName() + "> holds " + values.length
                    + " numbers; expected one");
        }
        return values[0];
    }

    /** Whitespace-separated numbers, parsed as doubles like OpenCV's FileStorage does. */
    static double[] numbers(Element element) {
        String content = element.getTextContent().trim();
        if (content.isEmpty()) {
            return new double[0];
        }
        String[] parts = content.split("\\s+");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw new InvalidCascadeException("<" + element.getTagName() + "> holds \"" + parts[i]
                        + "\"; expected a number");
            }
            if (!Double.isFinite(values[i])) {
                throw new InvalidCascadeException("<" + element.getTagName() + "> holds " + parts[i]
                        + "; expected a finite number");
            }
        }
        return values;
    }
}
