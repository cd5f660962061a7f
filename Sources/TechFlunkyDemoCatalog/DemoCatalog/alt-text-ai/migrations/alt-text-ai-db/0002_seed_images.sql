-- Seed rows so a fresh deployment shows real data.
INSERT INTO images (page_url, image_key, alt_text, reviewed) VALUES
    ('https://shop.example.com/p/1', 'img/red-kettle.jpg', 'A red enamel kettle on a gas hob', 1),
    ('https://shop.example.com/p/2', 'img/linen.jpg', NULL, 0),
    ('https://blog.example.com/a', 'img/team.jpg', 'Five people laughing around a café table', 1);
